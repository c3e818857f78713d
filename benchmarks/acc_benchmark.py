"""ACC benchmark: seconds per step, cells per second, first-step time cold and warm, and the
effective memory bandwidth of each kernel as a fraction of STREAM measured in the same run.

Configuration of Veros's ACC benchmark (physics-facts.md L): the ACC channel on a 120 x 80
degree domain with dxt = 120/nx, dyt = 80/ny degrees, uniform dzt = 4000/nz m and
dt_mom = dt_tracer = 600 s, with the physics this model has (see the README).

Bytes per launch are the minimal traffic: every 3-D array argument read or written once
over the launched box (8 B per cell), 1-D and 2-D metric arrays counted once in full.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import machine_info  # noqa: E402
from stream import measure as stream_measure  # noqa: E402

SETUP_CODE = """
import numpy as np
from ocean.loader import load_setup

ACC = load_setup({acc!r})


class ACCBenchmark(ACC):
    def set_parameter(self, s):
        super().set_parameter(s)
        s.dt_mom = s.dt_tracer = 600.0
        s.snapshot_frequency = 0.0
        s.averages_frequency = 0.0
        s.check_interval = 10**9

    def set_grid(self, grid):
        grid.dxt = np.full(grid.nx, 120.0 / grid.nx)
        grid.dyt = np.full(grid.ny, 80.0 / grid.ny)
        grid.dzt = np.full(grid.nz, 4000.0 / grid.nz)
"""

FIRST_STEP = """
import time
t0 = time.perf_counter()
{setup}
from ocean import Model
nx, ny, nz = {size}
model = Model(ACCBenchmark(), settings={{"nx": nx, "ny": ny, "nz": nz}})
t1 = time.perf_counter()
model.step()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def bench_setup():
    namespace = {}
    exec(SETUP_CODE.format(acc=str(HERE.parent / "examples" / "acc.py")), namespace)
    return namespace["ACCBenchmark"]


def first_step_times(size, cache_dir):
    """(build seconds, first-step seconds) of a fresh process using ``cache_dir``."""
    env = dict(os.environ)
    env.update(NUMBA_CACHE_DIR=f"{cache_dir}/numba", OCEAN_CACHE_DIR=f"{cache_dir}/ocean")
    setup = SETUP_CODE.format(acc=str(HERE.parent / "examples" / "acc.py"))
    code = FIRST_STEP.format(setup=setup, size=tuple(size))
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    build, first = (float(x) for x in out.stdout.split()[-2:])
    return {"process_s": wall, "build_s": build, "first_step_s": first}


class LaunchProfile:
    """Wraps ``backend.launch``: time and minimal bytes per kernel."""

    def __init__(self, backend):
        self.backend, self.launch = backend, backend.launch
        self.seconds = collections.defaultdict(float)
        self.bytes = collections.defaultdict(float)
        backend.launch = self

    def __call__(self, kn, region, *args):
        t = time.perf_counter()
        self.launch(kn, region, *args)
        self.seconds[kn.name] += time.perf_counter() - t
        self.bytes[kn.name] += box_bytes(region, args, kn.column)

    def detach(self):
        self.backend.launch = self.launch


def box_bytes(region, args, column):
    if column:
        j0, j1, i0, i1 = region
        cells2 = (j1 - j0) * (i1 - i0)
    else:
        k0, k1, j0, j1, i0, i1 = region
        cells2 = (j1 - j0) * (i1 - i0)
    total = 0
    for a in args:
        if not isinstance(a, np.ndarray):
            continue
        if a.ndim == 3:
            levels = a.shape[0] if column else min(a.shape[0], k1 - k0)
            total += levels * cells2 * a.itemsize
        else:
            total += a.nbytes
    return total


def run_size(size, steps, warmup, stream_triad):
    nx, ny, nz = size
    ACCBenchmark = bench_setup()
    from ocean import Model

    model = Model(ACCBenchmark(), settings={"nx": nx, "ny": ny, "nz": nz})
    model.run(warmup)
    times, iters = [], []
    for _ in range(steps):
        t = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - t)
        iters.append(model.external.iterations)
    per_step = statistics.median(times)
    prof = LaunchProfile(model.backend)
    model.run(steps)
    prof.detach()
    kernels = []
    for name in sorted(prof.seconds, key=prof.seconds.get, reverse=True):
        sec, nbytes = prof.seconds[name] / steps, prof.bytes[name] / steps
        bw = nbytes / prof.seconds[name] * steps / 1e9
        kernels.append(
            {"kernel": name, "ms_per_step": 1e3 * sec, "GB_per_step": nbytes / 1e9,
             "GB/s": bw, "fraction_of_stream": bw / stream_triad}
        )  # fmt: skip
    return {
        "size": f"{nx}x{ny}x{nz}",
        "cells": nx * ny * nz,
        "s_per_step": per_step,
        "cells_per_s": nx * ny * nz / per_step,
        "pcg_iterations": statistics.median(iters),
        "kernels": kernels,
    }


def parse_size(text):
    return tuple(int(n) for n in text.lower().split("x"))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", default="60x40x30,120x80x30,240x160x30")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--out", default=str(HERE / "results" / "acc_benchmark.json"))
    args = p.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    info = machine_info()
    stream = stream_measure()
    triad = stream["triad"]
    with tempfile.TemporaryDirectory() as cache:
        cold = first_step_times(sizes[0], cache)
        warm = first_step_times(sizes[0], cache)
    results = [run_size(s, args.steps, args.warmup, triad) for s in sizes]
    print(f"ACC benchmark on {info['cpu']}, {info['cores']} cores, {info['date']}")
    print(f"STREAM triad {triad:.1f} GB/s (same run)")
    print(
        f"first step at {results[0]['size']}: cold {cold['first_step_s']:.1f} s "
        f"(process {cold['process_s']:.1f} s), warm cache {warm['first_step_s']:.2f} s "
        f"(process {warm['process_s']:.1f} s)\n"
    )
    print("| grid | s/step | cells/s | PCG iterations |\n|---|---|---|---|")
    for r in results:
        print(
            f"| {r['size']} | {r['s_per_step']:.4f} | {r['cells_per_s']:.3g} "
            f"| {r['pcg_iterations']:.0f} |"
        )
    big = results[-1]
    print(f"\nHot kernels at {big['size']} (per step):\n")
    print("| kernel | ms | GB | GB/s | of STREAM triad |\n|---|---|---|---|---|")
    for k in big["kernels"][:10]:
        print(
            f"| {k['kernel']} | {k['ms_per_step']:.2f} | {k['GB_per_step']:.4f} "
            f"| {k['GB/s']:.1f} | {100 * k['fraction_of_stream']:.0f} % |"
        )
    Path(args.out).write_text(
        json.dumps(
            {
                "machine": info,
                "stream_GB/s": stream,
                "first_step_cold": cold,
                "first_step_warm": warm,
                "results": results,
            },
            indent=2,
        )  # fmt: skip
    )


if __name__ == "__main__":
    main()

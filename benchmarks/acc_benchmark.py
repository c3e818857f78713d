"""ACC benchmark: seconds per step, grid cells per second, first step cold and warm, the
surface-pressure solver's share, and per-kernel effective bandwidth as a fraction of the
STREAM triad bandwidth measured in the same run.

Configuration: ``examples/acc_benchmark.py``, Veros's ACC benchmark (its grid scaling,
time step and physics switches; shared physics-facts.md, section L), at the sizes asked
for; ``--external-mode`` runs it with another external mode.

Usage: ``python benchmarks/acc_benchmark.py [--sizes 60x40x30,120x80x30] [--steps 20]``.
Bytes per launch: see ``profiling.py`` (every array argument once over the launched box).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from machine import machine_info  # noqa: E402
from profiling import profiled  # noqa: E402
from stream import measure as stream_measure  # noqa: E402
from stream import measure_device as stream_measure_device  # noqa: E402

DEFAULT_SIZES = "60x40x30,120x80x30,240x160x30"
#: Veros 1.7, full-physics ACC benchmark at 120x80x30 on these 2-core machines [s/step]
VEROS_120x80x30 = {"numpy": (1.0, 1.5), "jax": (0.42, 0.48)}


@functools.cache
def bench_setup(external_mode: str = "streamfunction"):
    """``examples/acc_benchmark.py`` (Veros's ACC benchmark), with another external mode
    if asked (the benchmark's is the streamfunction)."""
    from ocean.loader import load_setup

    bench = load_setup(ROOT / "examples" / "acc_benchmark.py")
    if external_mode == "streamfunction":  # the benchmark's
        return bench

    class OtherExternalMode(bench):
        def set_parameter(self, s):
            super().set_parameter(s)
            s.external_mode = external_mode
            if external_mode == "rigid_lid":  # singular: the direct solver refuses it
                s.elliptic_solver = "pcg"

    return OtherExternalMode


def build_model(size, external_mode="streamfunction", backend="cpu"):
    from ocean import Model

    nx, ny, nz = size
    model = Model(
        bench_setup(external_mode)(), backend=backend, settings={"nx": nx, "ny": ny, "nz": nz}
    )
    g = model.grid
    assert (g.nx, g.ny, g.nz) == (nx, ny, nz), (g.nx, g.ny, g.nz)
    return model


def first_step_here(size, external_mode, backend):
    """Seconds to build the model and to run its first step, in this process."""
    t0 = time.perf_counter()
    model = build_model(size, external_mode, backend)
    t1 = time.perf_counter()
    model.step()
    model.backend.synchronize()
    t2 = time.perf_counter()
    return {"build_s": t1 - t0, "first_step_s": t2 - t1}


def first_step_times(size, cache_dir, external_mode, backend):
    """Build and first-step seconds of a new process whose caches live in ``cache_dir``."""
    env = dict(os.environ)
    env.update(NUMBA_CACHE_DIR=f"{cache_dir}/numba", OCEAN_CACHE_DIR=f"{cache_dir}/ocean")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--first-step", fmt_size(size)]
    cmd += ["--external-mode", external_mode, "--backend", backend]
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"process_s": wall, **result}


def run_size(size, steps, warmup, triad, external_mode, backend):
    """Timed steps without the proxy, then the same number of steps with it."""
    model = build_model(size, external_mode, backend)
    model.run(warmup)
    external = model.external
    solver_s = [0.0]
    step_external = external.step

    def timed_external_step():
        t = time.perf_counter()
        step_external()
        solver_s[0] += time.perf_counter() - t

    external.step = timed_external_step  # instance attribute: model.step calls it
    times, solver, iters = [], [], []
    for _ in range(steps):
        solver_s[0] = 0.0
        t = time.perf_counter()
        model.step()
        model.backend.synchronize()
        times.append(time.perf_counter() - t)
        solver.append(solver_s[0])
        iters.append(external.iterations)
    del external.step
    # per-step seconds of every kernel, so that each kernel's median over the steps can be
    # taken (a shared machine makes single steps slow at random)
    per_step_kernel = []
    profiled_times = []
    with profiled(model) as prof:
        for _ in range(steps):
            before = dict(prof.seconds)
            t = time.perf_counter()
            model.step()
            model.backend.synchronize()
            profiled_times.append(time.perf_counter() - t)
            per_step_kernel.append({k: v - before.get(k, 0.0) for k, v in prof.seconds.items()})
    profiled_s = statistics.median(profiled_times)
    kernels = prof.table(steps, triad)
    for row in kernels:
        med = statistics.median(d.get(row["kernel"], 0.0) for d in per_step_kernel)
        row["ms_per_step_mean"] = row["ms_per_step"]
        row["ms_per_step"] = 1e3 * med
        gb = row["GB_per_step"]
        row["GB/s"] = gb / med if gb and med > 0 else None
        row["fraction_of_stream_triad"] = row["GB/s"] / triad if row["GB/s"] and triad else None
    kernels.sort(key=lambda row: row["ms_per_step"], reverse=True)
    per_step = statistics.median(times)
    nx, ny, nz = size
    accounted = sum(row["ms_per_step"] for row in kernels) / 1e3
    return {
        "size": fmt_size(size),
        "cells": nx * ny * nz,
        "steps": steps,
        "s_per_step": per_step,
        "s_per_step_min": min(times),
        "s_per_step_max": max(times),
        "cells_per_s": nx * ny * nz / per_step,
        "solver_iterations_per_step": statistics.median(iters),
        "solver_s_per_step": statistics.median(solver),
        "solver_share": sum(solver) / sum(times),
        "profiled_s_per_step": profiled_s,
        "profiled_s_per_step_min": min(profiled_times),
        "launch_and_primitive_s_per_step": accounted,
        "host_overhead_s_per_step": profiled_s - accounted,
        "GB_per_step": sum(prof.bytes.values()) / steps / 1e9,
        "kernels": kernels,
    }


def gpu_name():
    import cupy

    props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
    return props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])


def fmt_size(size):
    return "x".join(str(n) for n in size)


def parse_size(text):
    size = tuple(int(n) for n in text.lower().split("x"))
    if len(size) != 3:
        raise argparse.ArgumentTypeError(f"size {text!r} is not NXxNYxNZ")
    return size


def _first(t):
    if t is None:
        return "-"
    return f"{t['first_step_s']:.2f} (process {t['process_s']:.1f})"


def markdown_tables(report) -> str:
    info, res, triad = report["machine"], report["results"], report["stream_GB/s"]["triad"]
    loads = report.get("load_average_1_5_15min", {"start": [float("nan")], "end": [float("nan")]})
    load = (loads["start"][0], loads["end"][0])
    triad_end = report.get("stream_end_GB/s", {}).get("triad", float("nan"))
    on_gpu = info.get("backend") == "cuda"
    where = f"backend cuda on {info.get('gpu')} (STREAM: the GPU's, CuPy), host " if on_gpu else ""
    lines = [
        f"ACC benchmark, {info['date']}: {where}{info['cpu']}, {info['cores']} cores "
        f"({info['numba_threads']} Numba threads), Numba {info['numba']}, NumPy {info['numpy']}, "
        f"Python {info['python']}; STREAM triad {triad:.1f} GB/s in the same run "
        f"(before the sizes; {triad_end:.1f} GB/s after); "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end "
        f"({info['cores']} cores, shared machine); "
        f"external mode {report['external_mode']}; median of {res[0]['steps']} steps after "
        f"{report['warmup']} warm-up steps.",
        "",
        "| grid | cells | s/step (median) | s/step (best) | Mcells/s | solver it./step "
        "| solver share | GB/step (est.) | first step cold [s] | first step warm [s] |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res:
        c, w = (_first(r[key]) for key in ("first_step_cold", "first_step_warm"))
        lines.append(
            f"| {r['size']} | {r['cells']} | {r['s_per_step']:.4f} | {r['s_per_step_min']:.4f} "
            f"| {r['cells_per_s'] / 1e6:.2f} "
            f"| {r['solver_iterations_per_step']:.0f} | {100 * r['solver_share']:.0f} % "
            f"| {r['GB_per_step']:.3f} | {c} | {w} |"
        )
    ref = [r for r in res if r["size"] == "120x80x30"]
    if ref and not on_gpu:  # the reference figures are Veros's on the CPU
        s = ref[0]["s_per_step"]
        (n0, n1), (j0, j1) = VEROS_120x80x30["numpy"], VEROS_120x80x30["jax"]
        lines += [
            "",
            f"Reference, 120x80x30: Veros 1.7 full-physics ACC benchmark on these 2-core "
            f"machines {n0}-{n1} s/step (NumPy), {j0}-{j1} s/step (JAX), as the issue measured "
            f"them; this model {s:.3f} s/step with the same physics (examples/acc_benchmark.py),"
            f" i.e. {n0 / s:.1f}-{n1 / s:.1f}x the NumPy and {j0 / s:.1f}-{j1 / s:.1f}x the JAX "
            "speed. Ratios taken side by side in one run are compare_veros.py's.",
        ]
    big = res[-1]
    lines += [
        "",
        f"Kernels at {big['size']}, median per step over the profiled pass (its steps: median "
        f"{big['profiled_s_per_step']:.4f} s, best {big['profiled_s_per_step_min']:.4f} s; sum "
        f"of the kernel medians {big['launch_and_primitive_s_per_step']:.4f} s):",
        "",
        "| kernel | ms/step | launches/step | GB/step (est.) | GB/s | of STREAM triad |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k in big["kernels"]:
        gb = "" if k["GB_per_step"] is None else f"{k['GB_per_step']:.4f}"
        bw = "" if k["GB/s"] is None else f"{k['GB/s']:.1f}"
        frac = k["fraction_of_stream_triad"]
        fr = "" if frac is None else f"{100 * frac:.0f} %"
        lines.append(
            f"| {k['kernel']} | {k['ms_per_step']:.2f} | {k['launches_per_step']:.0f} | {gb} "
            f"| {bw} | {fr} |"
        )
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sizes", default=DEFAULT_SIZES, help=f"NXxNYxNZ,... (default {DEFAULT_SIZES})")
    p.add_argument("--steps", type=int, default=20, help="timed steps per size (default 20)")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first (default 3)")
    modes = ("streamfunction", "free_surface", "rigid_lid")
    p.add_argument("--external-mode", default="streamfunction", choices=modes)
    p.add_argument(
        "--backend",
        default="cpu",
        choices=("cpu", "cuda"),
        help="cpu (default) or cuda (a CUDA GPU; STREAM is then the GPU's, with CuPy)",
    )
    p.add_argument("--no-first-step", action="store_true", help="skip cold/warm first steps")
    p.add_argument("--stream-n", type=int, default=2**25, help="STREAM array length")
    p.add_argument("--out", default=str(HERE / "results" / "acc_benchmark.json"))
    p.add_argument("--stream-out", default=str(HERE / "results" / "stream.json"))
    p.add_argument("--table-from", metavar="JSON", help="print the tables of a saved run")
    p.add_argument("--first-step", type=parse_size, help=argparse.SUPPRESS)  # subprocess mode
    args = p.parse_args(argv)
    if args.table_from:
        print(markdown_tables(json.loads(Path(args.table_from).read_text())))
        return
    if args.first_step:
        print(json.dumps(first_step_here(args.first_step, args.external_mode, args.backend)))
        return
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    info = machine_info()
    info["backend"] = args.backend
    if args.backend == "cuda":
        info["gpu"] = gpu_name()
    load_start = os.getloadavg()
    measure = stream_measure_device if args.backend == "cuda" else stream_measure
    stream = measure(args.stream_n)
    triad = stream["triad"]
    print("STREAM [GB/s]: " + ", ".join(f"{k} {v:.1f}" for k, v in stream.items()), flush=True)
    results = []
    for size in sizes:
        first = {}
        if not args.no_first_step:
            with tempfile.TemporaryDirectory(prefix="acc-bench-cache-") as cache:
                for key in ("first_step_cold", "first_step_warm"):
                    first[key] = first_step_times(size, cache, args.external_mode, args.backend)
        else:
            first = {"first_step_cold": None, "first_step_warm": None}
        r = run_size(size, args.steps, args.warmup, triad, args.external_mode, args.backend)
        r.update(first)
        results.append(r)
        print(
            f"{r['size']}: {r['s_per_step']:.4f} s/step, {r['cells_per_s'] / 1e6:.2f} Mcells/s, "
            f"{r['solver_iterations_per_step']:.0f} solver iterations",
            flush=True,
        )
    stream_end = measure(args.stream_n)
    print("STREAM again [GB/s]: " + ", ".join(f"{k} {v:.1f}" for k, v in stream_end.items()))
    report = {
        "machine": info,
        "load_average_1_5_15min": {"start": load_start, "end": os.getloadavg()},
        "external_mode": args.external_mode,
        "warmup": args.warmup,
        "stream_GB/s": stream,
        "stream_end_GB/s": stream_end,
        "veros_120x80x30_s_per_step": VEROS_120x80x30,
        "bytes_estimate": "every distinct array argument once over the launched box "
        "(3-D: levels in the box x j x i x itemsize; column kernels: all levels; "
        "1-D metrics in full); a lower bound of the real traffic",
        "results": results,
    }
    tables = markdown_tables(report)
    print()
    print(tables)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    stream_report = {"machine": info, "n": args.stream_n, "GB/s": stream}
    Path(args.stream_out).write_text(json.dumps(stream_report, indent=2) + "\n")


if __name__ == "__main__":
    main()

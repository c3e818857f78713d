"""Veros and ocean-hybrid side by side on the configuration of Veros's ACC benchmark.

For each grid size, in one run: Veros 1.7 (NumPy backend, and JAX when it is installed)
and this model (CPU backend) each build the ACC benchmark setup, take 3 warm-up steps
(JAX compiles in its first), then time 20 steps; the table gives seconds per step and the
ratios Veros / ours. Each model and backend runs in its own process (Veros fixes its
backend at import). Veros's setup is its ACC benchmark (``examples/compare/veros_benchmark.py``:
the ACC setup with the benchmark's grid rule, time step and switches); ours is
``examples/acc_benchmark.py``; diagnostics off in both.

Physics both run, the same to round-off step by step (tests/compare/test_compare_whole_step.py):
TKE, IDEMIX fed by EKE's dissipation at the bottom and surface, EKE, isoneutral diffusion
with the GM skew flux, TEOS-10, implicit vertical friction, harmonic friction, bottom drag,
centred tracer advection, the energy-conserving path, the streamfunction with island
integrals.

Usage: ``python benchmarks/compare_veros.py [--sizes 60x40x30,120x80x30,240x160x30]
[--steps 20] [--warmup 3]``. Writes benchmarks/results/compare_veros.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VEROS_CONFIG = HERE.parent / "examples" / "compare"
for folder in (HERE, VEROS_CONFIG):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from acc_benchmark import build_model, fmt_size, parse_size  # noqa: E402
from machine import machine_info  # noqa: E402
from veros_benchmark import veros_benchmark_setup  # noqa: E402

DEFAULT_SIZES = "60x40x30,120x80x30,240x160x30"
RESULTS = HERE / "results" / "compare_veros.json"


def time_steps(step, warmup, steps):
    """(seconds of the first step, seconds of each timed step)."""
    t = time.perf_counter()
    step()
    first = time.perf_counter() - t
    for _ in range(warmup - 1):
        step()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return first, times


def worker(model, size, warmup, steps):
    """Runs in its own process: one model (``ocean`` or ``veros-<backend>``) at one size."""
    if model == "ocean":
        ocean = build_model(size)

        def step():
            ocean.step()
            ocean.backend.synchronize()
    else:
        setup = veros_benchmark_setup(size)
        state = setup.state

        def step():
            setup.step(state)
            if model == "veros-jax":
                state.variables.u.block_until_ready()

    first, times = time_steps(step, warmup, steps)
    return {"first_step_s": first, "s_per_step": statistics.median(times), "times": times}


def run_worker(model, size, warmup, steps):
    env = dict(os.environ)
    if model.startswith("veros-"):
        env["VEROS_BACKEND"] = model.split("-", 1)[1]
    if model == "veros-jax":
        # Veros's Cython tridiagonal custom call uses an XLA:CPU API that current jaxlib
        # rejects (logged, not raised); its pure-JAX solver keeps the physics whole.
        env.setdefault("VEROS_USE_SPECIAL_TDMA", "0")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", model, fmt_size(size)]
    cmd += ["--warmup", str(warmup), "--steps", str(steps)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=HERE.parent)
    if out.returncode != 0:
        raise RuntimeError(f"{model} at {fmt_size(size)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(report):
    info = report["machine"]
    lines = [
        f"Veros {report['veros_version']} and ocean-hybrid, ACC benchmark configuration, "
        f"{info['date']}: {info['cpu']}, {info['cores']} cores; median of "
        f"{report['steps']} steps after {report['warmup']} warm-up steps, each model in its "
        "own process, one after the other in this run.",
        "",
        "| grid | model | s/step | first step [s] | Veros / ocean-hybrid |",
        "|---|---|---:|---:|---:|",
    ]
    for size, rows in report["results"].items():
        ours = rows["ocean"]["s_per_step"]
        for model, row in rows.items():
            ratio = "" if model == "ocean" else f"{row['s_per_step'] / ours:.1f}x"
            lines.append(
                f"| {size} | {model} | {row['s_per_step']:.4f} | {row['first_step_s']:.1f} "
                f"| {ratio} |"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--worker", nargs=2, metavar=("MODEL", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.warmup < 1:
        parser.error(
            f"--warmup must be at least 1 (the first step is timed apart); got {args.warmup}"
        )
    if args.worker:
        model, size = args.worker
        print(json.dumps(worker(model, parse_size(size), args.warmup, args.steps)))
        return
    import veros

    models = ["ocean", "veros-numpy"]
    if importlib.util.find_spec("jax") is not None:
        models.append("veros-jax")
    results = {}
    for size in (parse_size(s) for s in args.sizes.split(",")):
        results[fmt_size(size)] = {
            model: run_worker(model, size, args.warmup, args.steps) for model in models
        }
    report = {
        "machine": machine_info(),
        "veros_version": veros.__version__,
        "steps": args.steps,
        "warmup": args.warmup,
        "models": models,
        "results": results,
        "load_average_1_5_15min": os.getloadavg(),
    }
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_suffix(".json.tmp")
    partial.write_text(json.dumps(report, indent=2))
    partial.replace(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""Cost of gradients: a forward + backward rollout against the forward rollout alone,
and peak memory against steps and snapshots.

The coarse double gyre in a differentiable configuration (DST3 tracer advection, the
rest as the example) runs ``--steps`` steps: (1) forward only (``model.run``); (2) the
gradient of a misfit loss with as many snapshots as steps (no recomputation); (3) with
``--snapshots`` snapshots (binomial checkpointing). The three run side by side in each of
``--rounds`` rounds; the table has the median. Target (issue 8): (2) <= 3x (1).

Peak memory (tracemalloc, every NumPy allocation of the gradient call) is measured for
``--memory-steps`` with ``--memory-snapshots`` snapshots each, on a coarser grid
(``--memory-resolution-km``): the claim is about steps and snapshots, not the grid.

Usage: ``python benchmarks/adjoint_benchmark.py [--resolution-km 100 50] [--steps 50]
[--snapshots 10] [--rounds 3]`` (50 km is the online-training example's
grid). Prints tables, writes ``benchmarks/results/adjoint.json``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from machine import machine_info, write_json  # noqa: E402


def build(resolution_km):
    from ocean.loader import load_setup
    from ocean.model import Model

    setup = load_setup(ROOT / "examples" / "double_gyre.py")()
    settings = {
        "resolution_km": resolution_km, "tracer_advection": "dst3", "check_interval": 10**6,
    }  # fmt: skip
    model = Model(setup, settings=settings)
    model.run(5)  # a state with every time level filled
    return model


def misfit(model, steps):
    """Squared distance of u and v at the last step from a perturbed copy of themselves."""
    from ocean.adjoint.losses import FieldMisfit

    st = model.state
    rng = np.random.default_rng(0)
    target = {
        n: model.backend.to_host(st.arrays[n][st.tau]) + 0.01 * rng.standard_normal(st.u.shape[1:])
        for n in ("u", "v")
    }
    return FieldMisfit({steps: target})


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def cost_rounds(model, steps, snapshots, rounds):
    from ocean.adjoint.rollout import Rollout, Snapshot

    start = Snapshot(model)
    loss = misfit(model, steps)
    rows = {"forward": [], "gradient (no recomputation)": [], "gradient (checkpointed)": []}
    counts = {}
    for _ in range(rounds):
        for name, snaps in (("forward", None), ("gradient (no recomputation)", steps),
                            ("gradient (checkpointed)", snapshots)):  # fmt: skip
            start.restore(model)
            if snaps is None:
                seconds, _ = timed(lambda: model.run(steps))
            else:
                seconds, g = timed(lambda s=snaps: Rollout(model, steps, s).gradient(loss))
                counts[name] = {"forward_steps": g.forward_steps, "recorded": g.recorded_steps}
            rows[name].append(seconds)
    return {n: sorted(v)[len(v) // 2] for n, v in rows.items()}, counts


def peak_memory(model, steps, snapshots):
    """Peak traced memory of one gradient call, after a warm-up call (the first call also
    allocates what later calls reuse: compiled launch tables, solver and work arrays) and a
    garbage collection, so that each size is measured from the same start."""
    from ocean.adjoint.rollout import Rollout, Snapshot

    start = Snapshot(model)
    Rollout(model, 2 * snapshots, snapshots).gradient(misfit(model, 2 * snapshots))
    start.restore(model)
    loss = misfit(model, steps)
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    Rollout(model, steps, snapshots).gradient(loss)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    start.restore(model)
    return peak


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--resolution-km", type=float, nargs="+", default=[100.0, 50.0])
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--snapshots", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory-steps", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--memory-snapshots", type=int, nargs="+", default=[10])
    ap.add_argument("--memory-resolution-km", type=float, default=200.0,
                    help="grid of the memory runs (tracemalloc slows allocations)")  # fmt: skip
    args = ap.parse_args(argv)
    costs = {}
    for km in args.resolution_km:
        model = build(km)
        g = model.grid
        times, counts = cost_rounds(model, args.steps, args.snapshots, args.rounds)
        base = times["forward"]
        print(f"\ndouble gyre {km:g} km, {g.nx}x{g.ny}x{g.nz} (DST3), {args.steps} steps, "
              f"median of {args.rounds}")  # fmt: skip
        print(f"{'run':30s} {'seconds':>9} {'vs forward':>11} {'forward steps':>14}")
        for name, sec in times.items():
            steps = counts.get(name, {}).get("forward_steps", 0) + args.steps
            print(f"{name:30s} {sec:9.3f} {sec / base:11.2f} {steps:14d}")
        costs[f"{km:g}km"] = {
            "grid": [g.nx, g.ny, g.nz], "seconds": times, "counts": counts,
            "ratio_to_forward": {n: s / base for n, s in times.items()},
        }  # fmt: skip
    memory = {}
    small = build(args.memory_resolution_km)
    sg = small.grid
    print(f"\npeak memory of the gradient call (tracemalloc), {sg.nx}x{sg.ny}x{sg.nz}")
    print(f"{'steps':>6} {'snapshots':>9} {'peak MiB':>9}")
    for steps in args.memory_steps:
        for snaps in args.memory_snapshots:
            peak = peak_memory(small, steps, snaps)
            memory[f"{steps}x{snaps}"] = peak
            print(f"{steps:6d} {snaps:9d} {peak / 2**20:9.2f}")
    out = HERE / "results" / "adjoint.json"
    result = {
        "machine": machine_info(), "steps": args.steps, "snapshots": args.snapshots,
        "rounds": args.rounds, "cost": costs, "memory_grid": [sg.nx, sg.ny, sg.nz],
        "peak_bytes": memory,
    }  # fmt: skip
    write_json(out, result)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

"""Cost of closures in the coarse double gyre: seconds per step without a closure, with
ZB2020 and with the example CNN (ONNX), and the closure's share of the step split into
input assembly, inference and tendency scatter (plus the bookkeeping that sums closure
outputs into the model's tendencies).

Target (issue 6): everything but inference itself <= 5 % of the step. Two measures: the
timers of the closure's own parts (input, scatter, summing), and, more conservative, the
step time minus the plain step minus inference ("vs none"), which also counts the
model's own kernels running slower next to onnxruntime. The configurations
run side by side: ``--rounds`` rounds, each timing every configuration for ``--steps``
steps after warm-up, and the table reports the median round. On the CPU the ONNX path
copies nothing between host and device by construction; the GPU path is not measured here.

Usage: ``python benchmarks/closure_overhead.py [--resolution-km 50] [--steps 200]
[--rounds 3] [--onnx examples/closures/double_gyre_cnn.onnx]``. Prints a table, writes
``benchmarks/results/closure_overhead.json``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from machine import machine_info, write_json  # noqa: E402

PARTS = ("closure_input", "closure_inference", "closure_scatter", "closures")


def build(resolution_km, closures):
    from ocean.loader import load_setup
    from ocean.model import Model

    setup = load_setup(ROOT / "examples" / "double_gyre.py")()
    settings = {"resolution_km": resolution_km, "closures": closures, "check_interval": 10**6}
    return Model(setup, settings=settings)


def time_steps(model, steps):
    """Seconds per step and per timer category over ``steps`` steps."""
    model.timers.reset()
    model.run(steps)
    seconds = dict(model.timers.seconds)
    total = sum(seconds.values())
    return {"step": total / steps, **{p: seconds.get(p, 0.0) / steps for p in PARTS}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--resolution-km", type=float, default=50.0)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--onnx", default=str(ROOT / "examples/closures/double_gyre_cnn.onnx"))
    args = ap.parse_args(argv)
    configs = {"none": (), "zb2020": ("zb2020",), "cnn (onnx)": (args.onnx,)}
    models = {name: build(args.resolution_km, c) for name, c in configs.items()}
    for model in models.values():
        model.run(args.warmup)
    rounds = {name: [] for name in configs}
    for _ in range(args.rounds):
        for name, model in models.items():
            rounds[name].append(time_steps(model, args.steps))
    rows = {}
    for name, samples in rounds.items():
        median = sorted(samples, key=lambda r: r["step"])[len(samples) // 2]
        rows[name] = median
    base = rows["none"]["step"]
    g = models["none"].grid
    print(f"coarse double gyre {g.nx}x{g.ny}x{g.nz}, {args.steps} steps x {args.rounds} rounds")
    head = f"{'closure':12s} {'s/step':>9} {'vs none':>8} {'input':>7} {'infer':>7} "
    print(head + f"{'scatter':>8} {'sum/add':>8} {'non-inference':>14} {'vs none':>8}")
    for name, r in rows.items():
        share = {p: r[p] / r["step"] for p in PARTS}
        overhead = share["closure_input"] + share["closure_scatter"] + share["closures"]
        # the conservative measure: everything the closure adds to the step except
        # inference, from the step times (includes the model's kernels running slower
        # after onnxruntime had the cores and caches)
        extra = (r["step"] - base - r["closure_inference"]) / r["step"]
        r["non_inference_share"] = overhead
        r["non_inference_share_vs_none"] = extra
        r["ratio_to_none"] = r["step"] / base
        print(
            f"{name:12s} {r['step']:9.5f} {r['step'] / base:8.2f} "
            f"{share['closure_input']:7.1%} {share['closure_inference']:7.1%} "
            f"{share['closure_scatter']:8.1%} {share['closures']:8.1%} {overhead:14.1%} "
            f"{extra:8.1%}"
        )
    out = HERE / "results" / "closure_overhead.json"
    result = {
        "machine": machine_info(),
        "grid": [g.nx, g.ny, g.nz],
        "steps": args.steps,
        "rounds": args.rounds,
        "onnx": args.onnx,
        "rows": rows,
        "round_spread": {
            n: statistics.pstdev(s["step"] for s in v) / base for n, v in rounds.items()
        },
    }
    write_json(out, result)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

"""Online (a posteriori) training of the offline CNN closure through the coarse model.

Starts from ``examples/closures/double_gyre_cnn.onnx`` (trained offline on instantaneous
subgrid forcing) and trains its weights so that the 50 km double gyre, run with the
closure from a coarse-grained fine state, follows the coarse-grained 25 km run: windows
of ``--window`` days from the first ``--train-days`` of ``make_reference.py``'s
reference, loss = mean squared u and v misfit at each day (normalised by the
reference's variance; optionally plus the misfit of the domain's kinetic energy,
``--energy-weight``), gradients through every solver step by the hand-written adjoint
(checkpointed, ``--snapshots``) and the closure's native ONNX executor, Adam, clipping.

Writes ``examples/training/double_gyre_cnn_online.onnx`` (valid ONNX with the ocean.*
metadata; onnxruntime runs it) and the loss history beside the optimizer checkpoint.

    python examples/training/train_online.py                            # ~35 min, 1 core
    python examples/training/train_online.py --epochs 1 --train-days 3  # a smoke run
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DAY, OFFLINE, ONLINE, ROOT, coarse_model, load_reference, split  # noqa: E402

from ocean.adjoint.training import OnlineTrainer, windows_from_samples  # noqa: E402


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reference", type=Path, default=ROOT / "build/training/reference.npz")
    p.add_argument("--start", type=Path, default=OFFLINE, help="closure to start from")
    p.add_argument("--out", type=Path, default=ONLINE)
    p.add_argument("--train-days", type=float, default=40.0)
    p.add_argument("--window", type=int, default=5, help="days per rollout window")
    p.add_argument("--snapshots", type=int, default=10)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=2, help="windows per update")
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--energy-weight", type=float, default=30.0,
                   help="weight of the kinetic-energy misfit term (0: none)")  # fmt: skip
    p.add_argument("--checkpoint", type=Path, default=ROOT / "build/training/online.ckpt.npz")
    p.add_argument("--resume", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    t0 = time.perf_counter()
    days, fields = load_reference(args.reference)
    (train_days, train), _ = split(days, fields, args.train_days)
    model = coarse_model(args.start)
    closure = model.closures.closures[0]
    steps_per_sample = int(round((train_days[1] - train_days[0]) * DAY / model.settings.dt_tracer))
    windows = windows_from_samples(train, steps_per_sample, args.window, fields=("u", "v"))
    weights = {n: 1.0 / float((train[n] ** 2).mean()) / train[n][0].size for n in ("u", "v")}
    trainer = OnlineTrainer(model, closure, windows, args.snapshots, args.lr, args.clip, weights,
                            energy_weight=args.energy_weight)  # fmt: skip
    args.checkpoint.parent.mkdir(parents=True, exist_ok=True)
    if args.resume:
        trainer.load_checkpoint(args.checkpoint)
    print(f"{len(windows)} windows of {args.window} days ({args.window * steps_per_sample} steps)")
    history = trainer.train(args.epochs, args.batch, checkpoint=args.checkpoint)
    period = f"days {train_days[0]:.0f}-{train_days[-1]:.0f}"
    note = f"online from {args.start.name}: {len(history)} Adam updates, {args.window}-day "
    trainer.save(args.out, note=note + f"windows, {period}")
    log = args.checkpoint.with_suffix(".json")
    log.write_text(json.dumps({"history": history, "wall_s": time.perf_counter() - t0}, indent=1))
    print(f"loss {history[0]['loss']:.4g} -> {history[-1]['loss']:.4g}; wrote {args.out}")


if __name__ == "__main__":
    main()

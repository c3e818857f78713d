"""Offline skill of closures on held-out samples, run through the model's own closures.

For each of the last ``--val-fraction`` of the samples of ``make_training_data.py`` the
coarse velocities are put into a coarse Model (``resolution_km 50``) and every closure is
called on that state; its u, v tendencies [m s-2] are compared with the subgrid forcing S:

    R^2 = 1 - sum (S - P)^2 / sum (S - mean S)^2       per component, wet faces

For ``zb2020`` (linear in its scaling gamma) it also gives the least-squares gamma,
gamma* = <S, P_1> / <P_1, P_1> with P_1 the prediction at gamma = 1, and R^2 at gamma*.
Writes ``<out>`` (JSON) and prints a table.

    python examples/closures/offline.py --data build/closures/training_data.npz
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coarse_grain import double_gyre, set_coarse_velocity  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=ROOT / "build/closures/training_data.npz")
    p.add_argument("--onnx", type=Path, default=HERE / "double_gyre_cnn.onnx")
    p.add_argument("--val-fraction", type=float, default=0.2)
    p.add_argument("--out", type=Path, default=ROOT / "build/closures/offline.json")
    return p.parse_args(argv)


def r2(s, p, mask):
    mean = (mask * s).sum() / mask.sum()
    return float(1.0 - (mask * (s - p) ** 2).sum() / (mask * (s - mean) ** 2).sum())


def predictions(model, d, samples):
    """{closure: (P_u, P_v)} [sample, k, J, I] from the model's closures."""
    inner = (slice(None),) + model.grid.interior
    out = {c.describe(): ([], []) for c in model.closures.closures}
    for n in samples:
        set_coarse_velocity(model, d["u"][n], d["v"][n])
        for c in model.closures.closures:
            tend = c(model.closures.view)
            for lst, name in zip(out[c.describe()], ("u", "v"), strict=True):
                lst.append(model.backend.to_host(tend[name])[inner].copy())
    return {k: (np.stack(a), np.stack(b)) for k, (a, b) in out.items()}


def main(argv=None):
    args = parse(argv)
    d = np.load(args.data)
    n = d["u"].shape[0]
    samples = range(n - max(1, int(round(args.val_fraction * n))), n)
    km = float(d["grid_spacing"]) / 1e3
    model = double_gyre(km, closures=("zb2020", str(args.onnx)))
    pred = predictions(model, d, samples)
    s = {"u": d["Su"][samples.start :], "v": d["Sv"][samples.start :]}
    mask = {"u": d["maskU"][None], "v": d["maskV"][None]}
    result = {}
    for name, (pu, pv) in pred.items():
        row = {f"r2_{c}": r2(s[c], p, mask[c]) for c, p in (("u", pu), ("v", pv))}
        if name == "zb2020":
            num = sum((mask[c] * s[c] * p).sum() for c, p in (("u", pu), ("v", pv)))
            den = sum((mask[c] * p * p).sum() for c, p in (("u", pu), ("v", pv)))
            gamma = float(num / den)
            row["gamma_best"] = gamma
            row.update(
                {f"r2_{c}_best": r2(s[c], gamma * p, mask[c]) for c, p in (("u", pu), ("v", pv))}
            )
        result[name] = row
    result["samples"] = [int(samples.start), int(samples.stop)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for name, row in result.items():
        if name != "samples":
            print(name, ", ".join(f"{k} {v:.3f}" for k, v in row.items()))
    return result


if __name__ == "__main__":
    main()

"""Figure of the online-training result: the mean error of the 10-day runs of
``forecast_skill.py`` against lead time, and the kinetic energy of the online closure's
long run (``evaluate_online.py --stability-only``) beside the coarse-grained fine run's.

    python examples/training/plot_skill.py --reference build/training/long/reference.npz
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, coarse_model, load_reference  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = {"none": "no closure", "offline": "offline CNN", "online": "online CNN"}


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reference", type=Path, default=ROOT / "build/training/reference.npz")
    p.add_argument("--skill", type=Path, default=HERE / "forecast_skill.json")
    p.add_argument("--stability", type=Path, default=HERE / "stability.json")
    p.add_argument("--train-days", type=float, default=40.0,
                   help="days from the reference's start to the long run's")  # fmt: skip
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "training_online_skill.png")
    return p.parse_args(argv)


def domain_ke(u, v, dzt):
    """0.5 <u^2 + v^2> over the grid, dz-weighted [m2 s-2], per sample."""
    per_level = (u**2 + v**2).mean(axis=(2, 3))
    return 0.5 * per_level @ dzt / dzt.sum()


def main(argv=None):
    import matplotlib.pyplot as plt

    args = parse(argv)
    skill = json.loads(args.skill.read_text())
    rows = json.loads(args.stability.read_text())["rows"]
    days, fields = load_reference(args.reference)
    ke_ref = domain_ke(fields["u"], fields["v"], coarse_model().grid.dzt) * 1e4
    fig, (a, b) = plt.subplots(1, 2, figsize=(10.5, 3.8))
    meta = skill["meta"]
    for name, label in LABELS.items():
        a.plot(np.arange(meta["days"] + 1), skill[name]["curve"], marker="o", ms=3, label=label)
    a.set(xlabel="lead time [days]", ylabel="relative error of u, v",
          title=f"{meta['starts']} runs from held-out days "
                f"{meta['first_day']:.0f}-{meta['last_day']:.0f}")  # fmt: skip
    a.legend()
    years = np.array([r["day"] for r in rows]) / 365.0
    b.plot(years, [r["ke_cm2s2"] for r in rows], label="online CNN")
    ref_years = (days - days[0] - args.train_days) / 365.0
    b.plot(ref_years, ke_ref, "k", lw=0.8, label="coarse-grained 25 km")
    b.axhline(ke_ref.mean(), color="k", ls="--", lw=0.8)
    b.set(xlabel="years after the first held-out day", ylabel="KE [cm2 s-2]",
          title="long run: kinetic energy")  # fmt: skip
    b.legend()
    fig.tight_layout()
    tmp = args.out.with_name(args.out.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(args.out)
    print(f"wrote {args.out}; reference KE {ke_ref.mean():.2f} cm2 s-2 "
          f"(range {ke_ref.min():.2f}-{ke_ref.max():.2f})")  # fmt: skip


if __name__ == "__main__":
    main()

"""Short-range skill on the held-out years: many 10-day coarse runs, each from the
coarse-grained fine state of a held-out day, for no closure, the offline CNN and the
online-trained one.

A single long run from one start measures mostly the climate: after a few weeks the
coarse and fine eddies decorrelate and the trajectory error saturates near sqrt(2) times
the relative variability whatever the closure. The error against the coarse-grained fine
run that a closure can reduce is the error before that, so it is sampled here from start
days spread over the whole held-out period (every ``--every`` days), with

    e(t) = RMS(u - u_ref, v - v_ref) / RMS(u_ref, v_ref)   (dz-weighted, wet points)

per start and day. Prints a Markdown table (mean of e over days 1-``--days`` and its
standard error over starts, at day 5 and the last day, the fraction of starts on which
online beats offline) and writes ``forecast_skill.json``.

    python examples/training/forecast_skill.py --reference build/training/long/reference.npz \
        --train-days 40 --online build/training/runs/c2.onnx          # ~25 min, 2 cores
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DAY, OFFLINE, ONLINE, ROOT, coarse_model, load_reference, split  # noqa: E402
from evaluate_online import daily_run, errors  # noqa: E402

HERE = Path(__file__).resolve().parent


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reference", type=Path, default=ROOT / "build/training/reference.npz")
    p.add_argument("--train-days", type=float, default=40.0,
                   help="days of the reference the online closure was trained on")  # fmt: skip
    p.add_argument("--online", type=Path, default=ONLINE)
    p.add_argument("--every", type=int, default=30, help="days between start days")
    p.add_argument("--days", type=int, default=10, help="length of each run [d]")
    p.add_argument("--out-dir", type=Path, default=HERE)
    return p.parse_args(argv)


def start_days(n_held: int, every: int, days: int) -> list[int]:
    """Indices of the held-out samples to start from: every ``every`` days, each with
    ``days`` samples after it, and not the first (the training windows end there)."""
    return list(range(every, n_held - days, every))


def forecast_errors(closure, held, starts, days, steps_per_day, dzt):
    """e(t) [start, day 0..days] of ``days``-day runs of the coarse model with
    ``closure`` from each held-out sample in ``starts``."""
    model = coarse_model(closure)
    rows = []
    for s in starts:
        u, v = daily_run(model, {k: a[s] for k, a in held.items()}, days, steps_per_day)
        window = slice(s, s + days + 1)
        rows.append(errors(u, v, held["u"][window], held["v"][window], dzt))
    return np.array(rows)


def summary(e: np.ndarray, days: int) -> dict:
    """Mean error over days 1..days (and its standard error over starts), at day 5 and
    at the last day."""
    per_start = e[:, 1 : days + 1].mean(axis=1)
    return {
        "mean": float(per_start.mean()),
        "stderr": float(per_start.std(ddof=1) / np.sqrt(len(per_start))),
        "day5": float(e[:, min(5, days)].mean()),
        "last": float(e[:, days].mean()),
        "per_start": per_start.tolist(),
    }


def table(results: dict, meta: dict) -> str:
    lines = [
        f"{meta['starts']} runs of {meta['days']} days, started every {meta['every']} days "
        f"on held-out days {meta['first_day']:.0f}-{meta['last_day']:.0f}:",
        "",
        f"| run | error, days 1-{meta['days']} (± s.e.) | error, day {min(5, meta['days'])} "
        f"| error, day {meta['days']} |",
        "|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['mean']:.3f} ± {r['stderr']:.3f} | {r['day5']:.3f} | {r['last']:.3f} |"
        )
    wins = np.array(results["online"]["per_start"]) < np.array(results["offline"]["per_start"])
    lines += ["", f"online below offline on {int(wins.sum())} of {len(wins)} starts"]
    return "\n".join(lines)


def main(argv=None):
    args = parse(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    days, fields = load_reference(args.reference)
    _, (held_days, held) = split(days, fields, args.train_days)
    probe = coarse_model()
    steps_per_day = int(round(DAY / probe.settings.dt_tracer))
    starts = start_days(len(held_days), args.every, args.days)
    if not starts:
        raise SystemExit(f"the held-out part ({len(held_days)} days) is too short for "
                         f"{args.days}-day runs every {args.every} days")  # fmt: skip
    results = {}
    for name, closure in (("none", None), ("offline", OFFLINE), ("online", args.online)):
        e = forecast_errors(closure, held, starts, args.days, steps_per_day, probe.grid.dzt)
        results[name] = summary(e, args.days) | {"curve": e.mean(axis=0).tolist()}
        print(f"{name}: mean error {results[name]['mean']:.3f}", flush=True)
    meta = {"starts": len(starts), "days": args.days, "every": args.every,
            "first_day": float(held_days[starts[0]]), "last_day": float(held_days[starts[-1]]),
            "start_days": [float(held_days[s]) for s in starts], "online": args.online.name,
            "wall_s": time.perf_counter() - t0}  # fmt: skip
    out = args.out_dir / "forecast_skill.json"
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps({"meta": meta, **results}, indent=1))
    tmp.replace(out)
    print(table(results, meta))


if __name__ == "__main__":
    main()

"""Reference trajectory for online training: the fine (25 km) double gyre, coarse-grained.

Continues the fine run of ``examples/closures`` from its restart (by default the end of
the offline training data, day ~541) and every ``--every-days`` stores the coarse-grained
(factor 2, 50 km) u, v (transport-conserving face means), temp and salt (cell means) as
the coarse model stores them: interior arrays [sample, k, j, i]. The fine time step is
1440 s (60 steps a day) so the samples fall on whole steps of both models (the coarse
model runs at 2880 s in ``train_online.py``).

Writes ``<out-dir>/reference.npz`` (``time_days``, ``u, v, temp, salt``; written to a
temporary name and renamed) and a JSON summary.

    python examples/training/make_reference.py                     # 360 days, ~10 min
    python examples/training/make_reference.py --days 2 --out-dir /tmp/smoke
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "closures"))
from coarse_grain import coarsen_t, coarsen_u, coarsen_v, double_gyre  # noqa: E402

from ocean.io.restart import read_restart  # noqa: E402

DAY = 86400.0
FINE_DT = 1440.0


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fine-km", type=float, default=25.0)
    p.add_argument("--factor", type=int, default=2)
    p.add_argument("--start", type=Path, default=ROOT / "build/closures/fine_end.restart.h5",
                   help="fine restart to continue (none: from rest)")  # fmt: skip
    p.add_argument("--days", type=float, default=360.0, help="length of the reference [d]")
    p.add_argument("--every-days", type=float, default=1.0, help="sampling interval [d]")
    p.add_argument("--out-dir", type=Path, default=ROOT / "build" / "training")
    return p.parse_args(argv)


def coarse_sample(fine, f):
    return {
        "u": coarsen_u(fine.state.get("u"), f),
        "v": coarsen_v(fine.state.get("v"), f),
        "temp": coarsen_t(fine.state.get("temp"), f),
        "salt": coarsen_t(fine.state.get("salt"), f),
    }


def main(argv=None):
    args = parse(argv)
    t0 = time.perf_counter()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    fine = double_gyre(args.fine_km, dt_mom=FINE_DT, dt_tracer=FINE_DT)
    if args.start is not None and args.start.is_file():
        read_restart(fine, args.start)
    every = int(round(args.every_days * DAY / FINE_DT))
    n = int(round(args.days / args.every_days))
    samples = {k: [] for k in ("u", "v", "temp", "salt")}
    times = []
    for s in range(n + 1):
        if s:
            fine.run(every)
            fine.monitor.check()
        for key, arr in coarse_sample(fine, args.factor).items():
            samples[key].append(arr)
        times.append(fine.state.time / DAY)
        if s % max(1, n // 12) == 0:
            print(f"[{time.perf_counter() - t0:6.0f} s] day {times[-1]:7.2f}", flush=True)
    path = args.out_dir / "reference.npz"
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, time_days=np.array(times), **{k: np.stack(v) for k, v in samples.items()})
    os.replace(tmp, path)
    summary = {
        "fine_km": args.fine_km, "factor": args.factor, "dt_fine_s": FINE_DT,
        "first_day": times[0], "last_day": times[-1], "samples": len(times),
        "every_days": every * FINE_DT / DAY, "wall_s": round(time.perf_counter() - t0, 1),
    }  # fmt: skip
    path.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""No closure, the offline CNN and the online-trained CNN against the coarse-grained fine
run on the held-out part of the reference, and a long stability run of the online one.

Each coarse run (50 km, DST3, dt 2880 s) starts from the coarse-grained fine state on the
first held-out day and runs to the reference's end, sampled daily. Measures:

- trajectory error e(t) = RMS(u - u_ref, v - v_ref) / RMS(u_ref, v_ref), dz-weighted, per
  day, and its mean over the first 10 days and over the whole held-out period;
- the closures example's climate numbers (``examples/closures/diagnostics.py``): mean KE,
  gyre transports, mean-flow error, spectrum error.

``--years N`` then runs the online closure N years from the same start and records KE
every 30 days (finite and bounded = stable). Writes ``examples/training/evaluation.json``,
``evaluation.png`` and prints a Markdown table.

    python examples/training/evaluate_online.py                      # ~20 min, 1 core
    python examples/training/evaluate_online.py --years 10 --stability-only   # ~90 min
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
from diagnostics import summarise  # noqa: E402

from ocean.adjoint.training import start_from  # noqa: E402

HERE = Path(__file__).resolve().parent


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reference", type=Path, default=ROOT / "build/training/reference.npz")
    p.add_argument("--train-days", type=float, default=40.0)
    p.add_argument("--online", type=Path, default=ONLINE)
    p.add_argument("--years", type=float, default=0.0, help="stability run of the online CNN")
    p.add_argument("--stability-only", action="store_true",
                   help="only the stability run (writes stability.json)")  # fmt: skip
    p.add_argument("--out-dir", type=Path, default=HERE)
    return p.parse_args(argv)


def daily_run(model, start, n_days, steps_per_day):
    """Daily u, v [day 0..n_days, k, j, i] of ``model`` run from the state ``start``."""
    start_from(model, start)
    us, vs = [model.state.get("u")], [model.state.get("v")]
    for _ in range(n_days):
        model.run(steps_per_day)
        us.append(model.state.get("u"))
        vs.append(model.state.get("v"))
    return np.stack(us), np.stack(vs)


def trajectory(closure, start, n_days, steps_per_day):
    """Daily u, v [day, k, j, i] of a coarse run from ``start`` (and the wall time)."""
    model = coarse_model(closure)
    t = time.perf_counter()
    u, v = daily_run(model, start, n_days, steps_per_day)
    return u, v, time.perf_counter() - t, model


def errors(u, v, u_ref, v_ref, dzt):
    w = dzt[None, :, None, None]
    num = ((u - u_ref) ** 2 + (v - v_ref) ** 2) * w
    den = (u_ref**2 + v_ref**2) * w
    return np.sqrt(num.sum(axis=(1, 2, 3)) / den.sum(axis=(1, 2, 3)))


def stability(closure, start, years, steps_per_day, path=None):
    """KE every 30 days of an ``years`` run from ``start`` (written to ``path`` as it goes)."""
    model = coarse_model(closure)
    start_from(model, start)
    dzt = model.grid.dzt
    rows = []
    for month in range(int(round(years * 12))):
        model.run(30 * steps_per_day)  # raises with a named variable and place if it blows up
        u, v = model.state.get("u"), model.state.get("v")
        ke = 0.5 * float(np.tensordot((u**2 + v**2).mean(axis=(1, 2)), dzt, 1) / dzt.sum())
        rows.append({"day": (month + 1) * 30, "ke_cm2s2": ke * 1e4})
        print(f"stability: day {(month + 1) * 30}, KE {ke * 1e4:.2f} cm2 s-2", flush=True)
        if path is not None:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps({"years": years, "rows": rows}, indent=1))
            tmp.replace(path)
    return rows


def main(argv=None):
    args = parse(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)  # before hours of runs, not after
    days, fields = load_reference(args.reference)
    _, (held_days, held) = split(days, fields, args.train_days)
    start = {k: v[0] for k, v in held.items()}
    n_days = len(held_days) - 1
    probe = coarse_model()
    steps_per_day = int(round(DAY / probe.settings.dt_tracer))
    if args.stability_only:
        stability(args.online, start, args.years, steps_per_day, args.out_dir / "stability.json")
        return
    dzt, dx = probe.grid.dzt, float(probe.grid.dxt_m[probe.grid.h])
    ref = summarise(held["u"], held["v"], dzt, dx)
    results = {"reference": ref}
    series = {}
    for name, closure in (("none", None), ("offline", OFFLINE), ("online", args.online)):
        u, v, wall, _ = trajectory(closure, start, n_days, steps_per_day)
        e = errors(u, v, held["u"], held["v"], dzt)
        res = summarise(u, v, dzt, dx, held["u"], held["v"], np.array(ref["spectrum"]))
        res.update(error_10d=float(e[1:11].mean()), error_all=float(e[1:].mean()), wall_s=wall)
        results[name], series[name] = res, e.tolist()
        print(f"{name}: error 10 d {res['error_10d']:.3f}, all {res['error_all']:.3f}, "
              f"KE {res['ke_mean'] * 1e4:.2f} cm2 s-2", flush=True)  # fmt: skip
    meta = {"first_day": float(held_days[0]), "last_day": float(held_days[-1]),
            "train_days": args.train_days}  # fmt: skip
    if args.years > 0:
        meta["stability"] = stability(args.online, start, args.years, steps_per_day)
    out = args.out_dir / "evaluation.json"
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps({"meta": meta, "errors": series, **{
        k: {kk: vv for kk, vv in r.items() if kk not in ("k", "spectrum", "ke_series")}
        for k, r in results.items()}}, indent=1))  # fmt: skip
    tmp.replace(out)
    print(table(results, meta))
    figure(args.out_dir / "evaluation.png", series, results, meta)


def table(results, meta):
    lines = [
        f"Held-out days {meta['first_day']:.0f}-{meta['last_day']:.0f} (coarse runs from the "
        "coarse-grained fine state):",
        "",
        "| run | error, days 1-10 | error, all days | KE [cm2 s-2] | subpolar gyre [Sv] "
        "| mean-flow error | spectrum error |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("none", "offline", "online", "reference"):
        r = results[name]
        err = f"{r['error_10d']:.3f} | {r['error_all']:.3f}" if "error_10d" in r else "- | -"
        mfe = (f"{r['mean_flow_error']:.3f} | {r['spectrum_error']:.3f}"
               if "mean_flow_error" in r else "- | -")  # fmt: skip
        lines.append(
            f"| {name} | {err} | {r['ke_mean'] * 1e4:.2f} | {r['psi_min_sv']:.1f} | {mfe} |"
        )
    return "\n".join(lines)


def figure(path, series, results, meta):
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, e in series.items():
        a.plot(np.arange(len(e)), e, label=name)
        b.plot(np.array(results[name]["ke_series"]) * 1e4, label=name)
    b.plot(np.array(results["reference"]["ke_series"]) * 1e4, "k--", label="coarse-grained 25 km")
    a.set(xlabel="days after start", ylabel="relative error of u, v", title="trajectory error")
    b.set(xlabel="days after start", ylabel="KE [cm2 s-2]", title="kinetic energy")
    a.legend(), b.legend()
    fig.tight_layout()
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(path)


if __name__ == "__main__":
    main()

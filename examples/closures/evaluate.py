"""Evaluate momentum closures in the coarse double gyre against the coarse-grained fine run.

From the fine (25 km) state at the end of the training data (``make_training_data.py``
writes its restart), runs for the same held-out period (default 180 days after the last
training sample):

- the fine model; every ``--every-days`` its velocities are coarse-grained by C (the
  transport-conserving face average of ``coarse_grain.py``): the reference;
- coarse (50 km) models started from C(fine state) (u, v, temp, salt, psi): no closure,
  ``closures=("zb2020",)`` and the ONNX CNN (``closures=("path.onnx",)``), sampled at the
  same times.

Each coarse run is compared with the reference (``diagnostics.py``): time-mean
volume-mean KE, EKE, the isotropic surface-KE spectrum, the gyre transports (max/min of
the time-mean barotropic streamfunction, Sv) and the relative error of the time-mean
flow. Writes ``<out-dir>/evaluation.json`` and ``.md`` (table) and the figure
``<out-dir>/evaluation.png``. A run that blows up (NaN or CFL) is reported with its day.

    python examples/closures/evaluate.py                       # ~10 min on 2 cores
    python examples/closures/evaluate.py --runs none,cnn --days 30
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import diagnostics as D  # noqa: E402
from coarse_grain import coarsen_u, coarsen_v, double_gyre, set_coarse_state  # noqa: E402

from ocean.errors import ModelError  # noqa: E402
from ocean.io.restart import read_restart  # noqa: E402

DAY = 86400.0
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CM2 = 1e4  # m2 s-2 -> cm2 s-2


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--restart", type=Path, default=ROOT / "build/closures/fine_end.restart.h5")
    p.add_argument("--onnx", type=Path, default=HERE / "double_gyre_cnn.onnx")
    p.add_argument("--runs", default="none,zb2020,cnn", help="coarse runs: none, zb2020, cnn")
    p.add_argument("--days", type=float, default=180.0)
    p.add_argument("--every-days", type=float, default=1.0)
    p.add_argument("--fine-km", type=float, default=25.0)
    p.add_argument("--factor", type=int, default=2)
    p.add_argument(
        "--coarse-setting", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="a setting of every coarse run (e.g. A_h 2500)",
    )  # fmt: skip
    p.add_argument("--out-dir", type=Path, default=ROOT / "build/closures/eval")
    p.add_argument(
        "--reference", type=Path, default=ROOT / "build/closures/eval_reference.npz",
        help="cache of the fine run's snapshots (reused when start, length and interval match)",
    )  # fmt: skip
    return p.parse_args(argv)


def closures_of(run, args):
    return {"none": (), "zb2020": ("zb2020",), "cnn": (str(args.onnx),)}[run]


def collect(model, n_samples, every, sample):
    """Run ``model``; ``sample(model)`` every ``every`` steps. Returns (samples, error)."""
    out = []
    for n in range(n_samples):
        try:
            model.run(every)
            model.monitor.check()
        except ModelError as err:
            day = model.state.time / DAY
            return out, f"stopped on day {day:.1f} (sample {n + 1}): {str(err).splitlines()[0]}"
        out.append(sample(model))
    return out, None


def sample_uv(model):
    return model.state.get("u").astype(np.float32), model.state.get("v").astype(np.float32)


def stack(samples):
    return tuple(np.stack(a) for a in zip(*samples, strict=True))


def fine_reference(fine, path, key, sample):
    """Fine snapshots (u, v, wall s, error), reused from ``path`` when it holds the same
    (start day, samples, steps between samples, km), else run and saved there."""
    if path.is_file():
        with np.load(path) as d:
            if np.array_equal(d["key"], key):
                print(f"fine: reused {path}", flush=True)
                return d["u"], d["v"], float(d["wall"]), None
    t = time.perf_counter()
    samples, error = collect(fine, int(key[1]), int(key[2]), sample)
    wall = time.perf_counter() - t
    print(f"fine: {len(samples)} samples, {wall:.0f} s {error or ''}", flush=True)
    u, v = stack(samples)
    if error is None:
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, u=u, v=v, key=key, wall=wall)
        os.replace(tmp, path)
    return u, v, wall, error


def main(argv=None):
    args = parse(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    f, t0 = args.factor, time.perf_counter()
    fine = double_gyre(args.fine_km)
    read_restart(fine, args.restart)
    start_day = fine.state.time / DAY
    dt_f = fine.settings.dt_tracer
    coarse = {}
    for run in args.runs.split(","):
        extra = {name: value for name, value in args.coarse_setting}
        coarse[run] = double_gyre(args.fine_km * f, closures=closures_of(run, args), **extra)
        set_coarse_state(fine, coarse[run], f)
    dt_c = next(iter(coarse.values())).settings.dt_tracer if coarse else dt_f
    n_samples = max(1, int(round(args.days / args.every_days)))

    def every(dt):
        return max(1, int(round(args.every_days * DAY / dt)))

    runs, wall, errors = {}, {}, {}
    for run, model in coarse.items():
        t = time.perf_counter()
        samples, errors[run] = collect(model, n_samples, every(dt_c), sample_uv)
        wall[run] = time.perf_counter() - t
        if samples:
            runs[run] = stack(samples)
        print(f"{run}: {len(samples)} samples, {wall[run]:.0f} s {errors[run] or ''}", flush=True)
    key = np.array([start_day, n_samples, every(dt_f), args.fine_km])
    u_f, v_f, wall["fine"], errors["fine"] = fine_reference(fine, args.reference, key, sample_uv)
    ref = (coarsen_u(u_f, f), coarsen_v(v_f, f))
    dzt = fine.grid.dzt
    dx_f, dx_c = args.fine_km * 1e3, args.fine_km * f * 1e3
    results = {"reference": D.summarise(*ref, dzt, dx_c)}
    results["fine 25 km"] = D.summarise(u_f, v_f, dzt, dx_f)
    e_ref = np.array(results["reference"]["spectrum"])
    for run, (u, v) in runs.items():
        results[run] = D.summarise(u, v, dzt, dx_c, *ref, e_ref=e_ref)
    for run in results:
        results[run]["wall_s"] = round(wall.get(run, wall["fine"]), 1)
        results[run]["error"] = errors.get(run)
        results[run]["days"] = len(results[run]["ke_series"]) * args.every_days
    meta = {
        "start_day": start_day,
        "days": args.days,
        "every_days": args.every_days,
        "coarse_settings": dict(args.coarse_setting),
        "onnx": str(args.onnx),
        "restart": str(args.restart),
        "wall_total_s": round(time.perf_counter() - t0, 1),
    }
    write_outputs(args.out_dir, results, meta, runs, ref, dzt)
    return results


def table(results, meta) -> str:
    rows = [
        f"Coarse runs (50 km) against the coarse-grained 25 km run, days "
        f"{meta['start_day']:.0f}-{meta['start_day'] + meta['days']:.0f} (held out):",
        "",
        "| run | KE [cm2 s-2] | EKE [cm2 s-2] | gyre max / min [Sv] | mean-flow error "
        "| spectrum error | days run |",
        "|---|---|---|---|---|---|---|",
    ]
    for run, r in results.items():
        label = {"reference": "coarse-grained 25 km (reference)", "none": "no closure"}
        flow = f"{r['mean_flow_error']:.2f}" if "mean_flow_error" in r else "-"
        spec = f"{r['spectrum_error']:.2f}" if "spectrum_error" in r else "-"
        rows.append(
            f"| {label.get(run, run)} | {r['ke_mean'] * CM2:.2f} | {r['eke'] * CM2:.2f} | "
            f"{r['psi_max_sv']:.1f} / {r['psi_min_sv']:.1f} | {flow} | {spec} | "
            f"{r['days']:.0f}{' (' + r['error'] + ')' if r['error'] else ''} |"
        )
    rows += [
        "",
        "KE, EKE: volume means per unit mass. Mean-flow error: relative RMS difference of "
        "the time-mean velocities from the reference. Spectrum error: mean |log10(E/E_ref)| "
        "of the surface-KE spectrum over k > 0.",
    ]
    return "\n".join(rows) + "\n"


def write_outputs(out_dir, results, meta, runs, ref, dzt):
    text = table(results, meta)
    (out_dir / "evaluation.md").write_text(text)
    payload = {"meta": meta, "results": results}
    (out_dir / "evaluation.json").write_text(json.dumps(payload, indent=1) + "\n")
    figure(out_dir / "evaluation.png", results, runs, ref, meta)
    print(text, flush=True)


def figure(path, results, runs, ref, meta):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    maps = {"reference": ref, **runs}
    ncol = max(3, len(maps))
    fig, ax = plt.subplots(2, ncol, figsize=(4 * ncol, 7.5), constrained_layout=True)
    for run, r in results.items():
        k = np.array(r["k"])[1:] * 1e3 / (2 * np.pi)  # cycles per km
        style = "k-" if run == "reference" else ("k--" if run.startswith("fine") else "-")
        ax[0, 0].loglog(k, np.array(r["spectrum"])[1:], style, label=run)
        days = meta["start_day"] + meta["every_days"] * np.arange(1, len(r["ke_series"]) + 1)
        ax[0, 1].plot(days, np.array(r["ke_series"]) * CM2, style, label=run)
    ax[0, 0].set(xlabel="wavenumber [cycles/km]", ylabel="E(k) [m3 s-2]", title="surface KE")
    ax[0, 1].set(xlabel="day", ylabel="KE [cm2 s-2]", title="volume-mean KE")
    ax[0, 0].legend(fontsize=8)
    for a in ax[0, 2:]:
        a.axis("off")
    vmax = float(D.surface_speed(ref[0].mean(axis=0), ref[1].mean(axis=0)).max())
    for a, (run, (u, v)) in zip(ax[1], maps.items(), strict=False):
        speed = D.surface_speed(u.mean(axis=0), v.mean(axis=0))
        im = a.imshow(speed, origin="lower", vmin=0, vmax=vmax, cmap="viridis")
        a.set(title=f"time-mean surface speed: {run}", xticks=[], yticks=[])
    fig.colorbar(im, ax=ax[1].tolist(), label="m s-1", shrink=0.8)
    for a in ax[1, len(maps) :]:
        a.axis("off")
    fig.savefig(path, dpi=90)
    plt.close(fig)


if __name__ == "__main__":
    main()

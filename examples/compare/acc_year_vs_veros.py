"""One year of the ACC example here and Veros's ACC setup, from the same initial state, and
a figure of what the parity issue asks to compare: zonal-mean temperature, the ACC's
zonal transport and the meridional overturning.

Usage (needs the ``compare`` extra, i.e. Veros 1.7):
``python examples/compare/acc_year_vs_veros.py [--days 360] [--out docs/acc_year_vs_veros.png]``;
writes the figure and a JSON of the numbers beside it. Veros runs its ACC setup as it
ships; this model runs ``examples/acc.py``, the same configuration (a step of the two
agrees to round-off: tests/compare/test_compare_whole_step.py), so what the year shows is
how far round-off and the two solvers' tolerances grow in a year (Veros's BiCGstab stops at
an absolute 1e-8, ours at a relative 1e-12).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[1]
#: the halo width of Veros's arrays
VEROS_HALO = 2
DAY = 86400.0
SV = 1e6
#: days between samples of the ACC transport
SAMPLE_DAYS = 10


def veros_fields(state):
    """Interior temperature, u, v [i, j, k] and the metrics of a Veros state, at tau."""
    vs = state.variables
    h = slice(VEROS_HALO, -VEROS_HALO)
    return {
        "temp": np.asarray(vs.temp[h, h, :, vs.tau]), "u": np.asarray(vs.u[h, h, :, vs.tau]),
        "v": np.asarray(vs.v[h, h, :, vs.tau]), "maskT": np.asarray(vs.maskT[h, h]),
        "dxt": np.asarray(vs.dxt[h]), "dyt": np.asarray(vs.dyt[h]), "dzt": np.asarray(vs.dzt),
        "cosu": np.asarray(vs.cosu[h]), "yt": np.asarray(vs.yt[h]), "yu": np.asarray(vs.yu[h]),
        "zt": np.asarray(vs.zt), "zw": np.asarray(vs.zw),
    }  # fmt: skip


def ocean_fields(model):
    """The same from our model ([k, j, i] turned to [i, j, k]); metrics in metres."""
    st, g = model.state, model.grid
    j, i = g.interior

    def turn(a):
        return np.moveaxis(a, (0, 1, 2), (2, 1, 0))

    return {
        "temp": turn(st.get("temp")), "u": turn(st.get("u")), "v": turn(st.get("v")),
        "maskT": turn(g.maskT[:, j, i]), "dxt": g.dxt_m[i], "dyt": g.dyt_m[j], "dzt": g.dzt,
        "cosu": g.cosu[j], "yt": g.yt[j], "yu": g.yu[j], "zt": g.zt, "zw": g.zw,
    }  # fmt: skip


def acc_transport(f):
    """Zonal transport [Sv] through the section east of the first column (the continent's
    longitude, so only the channel's flow crosses it)."""
    return float(np.sum(f["u"][0] * f["dyt"][:, None] * f["dzt"][None, :]) / SV)


def zonal_mean_temperature(f):
    wet = f["maskT"] > 0
    count = np.maximum(wet.sum(axis=0), 1)
    mean = np.where(wet, f["temp"], 0.0).sum(axis=0) / count
    return np.where(wet.any(axis=0), mean, np.nan)  # [j, k]


def overturning(f):
    """Meridional overturning streamfunction [Sv] at (yu, zw): the zonally and vertically
    (from the bottom) integrated northward transport."""
    zonal = np.sum(f["v"] * f["dxt"][:, None, None], axis=0) * f["cosu"][:, None]
    return np.cumsum(zonal * f["dzt"][None, :], axis=1) / SV  # [j, k]


def run_ocean(days):
    from ocean import Model
    from ocean.loader import load_setup

    model = Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu")
    per_sample = int(round(SAMPLE_DAYS * DAY / model.settings.dt_tracer))
    series = [acc_transport(ocean_fields(model))]
    for _ in range(int(round(days / SAMPLE_DAYS))):
        model.run(per_sample)
        series.append(acc_transport(ocean_fields(model)))
    return ocean_fields(model), series


def run_veros(days):
    from veros import veros_routine
    from veros.setups.acc import ACCSetup

    class QuietACC(ACCSetup):
        @veros_routine
        def set_diagnostics(self, state):
            state.diagnostics.clear()

    setup = QuietACC()
    setup.setup()
    state = setup.state
    per_sample = int(round(SAMPLE_DAYS * DAY / state.settings.dt_tracer))
    series = [acc_transport(veros_fields(state))]
    for _ in range(int(round(days / SAMPLE_DAYS))):
        for _ in range(per_sample):
            setup.step(state)
        series.append(acc_transport(veros_fields(state)))
    return veros_fields(state), series


def figure(results, days, out):
    """Zonal-mean temperature and overturning of each model (a row each), and in the
    third column the ACC transport of both and their difference (log scale)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(
        2, 3, figsize=(15, 7), constrained_layout=True, gridspec_kw={"width_ratios": [1, 1, 0.8]}
    )
    temp_levels = np.linspace(-2.0, 16.0, 19)
    psi_max = max(np.nanmax(np.abs(overturning(f))) for f, _ in results.values())
    psi_levels = MaxNLocator(nbins=20, symmetric=True).tick_values(-psi_max, psi_max)
    for row, (name, (fields, _)) in enumerate(results.items()):
        zt, zw = fields["zt"], fields["zw"]
        ax = axes[row, 0]
        c = ax.contourf(fields["yt"], zt, zonal_mean_temperature(fields).T, temp_levels,
                        cmap="RdYlBu_r", extend="both")  # fmt: skip
        fig.colorbar(c, ax=ax, label="temperature [°C]")
        ax.set(title=f"{name}: zonal-mean temperature, day {days}", ylabel="depth [m]")
        ax = axes[row, 1]
        c = ax.contourf(fields["yu"], zw, overturning(fields).T, psi_levels, cmap="RdBu_r")
        fig.colorbar(c, ax=ax, label="overturning [Sv]")
        ax.set(title=f"{name}: meridional overturning, day {days}")
    for ax in axes[:, :2].ravel():
        ax.set_xlabel("latitude [°]")
    (name_a, (_, series_a)), (name_b, (_, series_b)) = results.items()
    time = np.arange(len(series_a)) * SAMPLE_DAYS
    ax = axes[0, 2]
    ax.plot(time, series_a, label=name_a, lw=3.0, color="0.75")
    ax.plot(time, series_b, label=name_b, lw=1.2, color="C0")
    ax.set(title="ACC transport", xlabel="day", ylabel="zonal transport [Sv]")
    ax.legend()
    ax = axes[1, 2]
    difference = np.abs(np.asarray(series_b) - np.asarray(series_a))
    ax.semilogy(time[1:], np.maximum(difference[1:], 1e-16), color="C3")
    ax.set(title=f"|{name_b} - {name_a}|", xlabel="day", ylabel="transport difference [Sv]")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=360)
    parser.add_argument(
        "--out", type=Path, default=EXAMPLES.parent / "docs" / "acc_year_vs_veros.png"
    )
    args = parser.parse_args(argv)
    if args.days < SAMPLE_DAYS or args.days % SAMPLE_DAYS:
        parser.error(f"--days must be a positive multiple of {SAMPLE_DAYS}; got {args.days}")
    results = {"Veros 1.7": run_veros(args.days), "ocean-hybrid": run_ocean(args.days)}
    figure(results, args.days, args.out)
    summary = {
        name: {
            "acc_transport_Sv": series[-1],
            "overturning_min_max_Sv": [
                float(np.nanmin(overturning(f))),
                float(np.nanmax(overturning(f))),
            ],
            "zonal_mean_temperature_min_max": [
                float(np.nanmin(zonal_mean_temperature(f))),
                float(np.nanmax(zonal_mean_temperature(f))),
            ],
        }  # fmt: skip
        for name, (f, series) in results.items()
    }
    summary["days"] = args.days
    (_, series_a), (_, series_b) = (result[1] for result in results.items())
    difference = np.abs(np.asarray(series_b) - np.asarray(series_a))
    summary["acc_transport_difference_Sv"] = {
        "max": float(difference.max()),
        "day_of_max": int(np.argmax(difference)) * SAMPLE_DAYS,
        "last": float(difference[-1]),
    }
    args.out.with_suffix(".json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""The energy-budget diagnostic (ocean/io/energy.py) on a small ACC channel with TKE and EKE.

The TKE budget closes from the written terms alone; each term equals a direct sum of its
field with the grid's weights; the file is written, named and holds what the switched-on
physics has; a bad setting is refused.
"""

import numpy as np
import pytest
import xarray as xr
from conftest import EXAMPLES

from ocean import Model
from ocean.io.energy import TERMS, EnergyBudget, budget
from ocean.loader import load_setup
from ocean.runner import run_model
from ocean.settings import SettingError

DAY = 86400.0
#: the ACC (dt_tracer 12 h, dt_mom 4800 s; TKE, EKE; no IDEMIX, no TKE advection) small
SMALL = {"nx": 8, "ny": 42, "nz": 15}
#: each term is an exact sum of per-cell products rounded once, and the column budgets of
#: TKE close to 1e-12 of the column's energy (tests/dynamics/test_turbulence.py); relative
#: to the largest term of the budget (the dissipation, ~5e10 W here) the residual is
#: round-off of the per-cell transfers, measured ~1e-15
CLOSURE_TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def acc_run(tmp_path_factory):
    """Eight steps written one record per step (energy_frequency = dt_tracer)."""
    out = tmp_path_factory.mktemp("energy")
    setup = load_setup(EXAMPLES / "acc.py")()
    settings = {**SMALL, "snapshot_frequency": 0.0, "energy_frequency": DAY / 2}
    model = Model(setup, backend="cpu", settings=settings)
    assert model.settings.dt_tracer == DAY / 2
    run_model(model, 8, out, quiet=True)
    with xr.open_dataset(out / "acc.energy.nc", engine="h5netcdf", decode_times=False) as ds:
        data = ds.load()
    return model, out, data


def tke_sources(ds):
    """dE/dt of total TKE from the written transfers: the surface flux and the resolved
    flow's losses (vertical friction, bottom friction without IDEMIX, buoyancy flux,
    advection and the nonlinear equation of state on the energy-conserving path), EKE's
    dissipation (into TKE without IDEMIX), minus TKE's own dissipation."""
    return (
        ds["tke_forc_m"]
        + ds["K_diss_v_m"] + ds["K_diss_bot_m"] + ds["eke_diss_m"]
        - ds["P_diss_v_m"] - ds["P_diss_adv_m"] - ds["P_diss_nonlin_m"]
        - ds["tke_diss_m"]
    ).values  # fmt: skip


def test_tke_budget_closes_from_the_diagnostics(acc_run):
    model, _, ds = acc_run
    s = model.settings
    assert not (s.enable_tke_superbee_advection or s.enable_tke_upwind_advection)
    assert not (s.enable_tke_hor_diffusion or s.enable_idemix)
    scale = float(np.max(np.abs(ds["tke_diss_m"].values)))
    assert scale > 0.0
    # every record: the diagnosed change equals the sources minus the sinks
    residual = ds["dtke_m"].values - tke_sources(ds)
    assert np.max(np.abs(residual)) <= CLOSURE_TOLERANCE * scale
    # and the sum of the interior forcing terms is the forcing field the closure stepped
    forcing = ds["tke_forc_m"] + ds["tke_forcing_m"] - ds["tke_diss_m"]
    assert np.max(np.abs(ds["dtke_m"] - forcing).values) <= CLOSURE_TOLERANCE * scale
    # the reservoir: with one sample per record, tke_m is the content at the start of each
    # step, so its change over the run is the time integral of the diagnosed change
    content = ds["tke_m"].values
    change = content[-1] - content[0]
    integral = np.sum(ds["dtke_m"].values[:-1]) * s.dt_mom
    assert abs(change) > 0.0
    assert abs(change - integral) <= CLOSURE_TOLERANCE * np.max(np.abs(content))


def test_internal_wave_budget_closes_with_idemix(example_setup):
    """With IDEMIX the bottom friction feeds the waves (ke_iw_m) and their dissipation
    feeds TKE: both budgets close from the terms, step by step."""
    settings = {**SMALL, "enable_idemix": True}
    model = Model(example_setup("acc")(), backend="cpu", settings=settings)
    for _ in range(3):
        model.step()
        b = budget(model)
        iw = b["iw_forc_m"] + b["iw_forcing_m"] - b["iw_diss_m"]
        assert abs(b["diw_m"] - iw) <= CLOSURE_TOLERANCE * abs(b["iw_forc_m"])
        tke = (
            b["tke_forc_m"] + b["K_diss_v_m"] + b["iw_diss_m"]
            - b["P_diss_v_m"] - b["P_diss_adv_m"] - b["P_diss_nonlin_m"] - b["tke_diss_m"]
        )  # fmt: skip
        assert abs(b["dtke_m"] - tke) <= CLOSURE_TOLERANCE * abs(b["tke_forc_m"])
    assert b["iw_diss_m"] > 0.0 and b["ke_iw_m"] == b["K_diss_bot_m"] > 0.0
    assert b["iw_forcing_m"] == pytest.approx(b["K_diss_bot_m"] + b["eke_diss_m"], rel=1e-12)


def test_ocean_run_writes_the_energy_file(tmp_path, capsys):
    from ocean.cli import main

    args = ["run", "examples/acc.py", "--steps", "2", "--output-dir", str(tmp_path)]
    for name, value in {**SMALL, "energy_frequency": DAY}.items():
        args += ["-s", name, str(value)]
    assert main(args) in (0, None)
    with xr.open_dataset(tmp_path / "acc.energy.nc", engine="h5netcdf") as ds:
        assert ds.sizes["time"] == 1 and int(ds["samples"][0]) == 2


def test_composites_are_the_transfer_fields(acc_run):
    _, _, ds = acc_run
    scale = float(np.max(np.abs(ds["ke_diss_m"].values)))

    def close(a, b):
        np.testing.assert_allclose(a.values, b.values, rtol=0, atol=1e-13 * scale)

    close(ds["ke_diss_m"], ds["K_diss_v_m"] + ds["K_diss_h_m"] + ds["K_diss_bot_m"])
    close(ds["ke_tke_m"], ds["K_diss_v_m"] + ds["K_diss_bot_m"])  # no IDEMIX: TKE gets it
    close(ds["tke_hd_m"], -(ds["P_diss_v_m"] + ds["P_diss_adv_m"] + ds["P_diss_nonlin_m"]))
    close(ds["ke_eke_m"], ds["K_diss_h_m"])


def direct_terms(model):
    """The terms summed here with NumPy from the state (after a step: it started at taum1)."""
    st, s, g = model.state, model.settings, model.grid
    j, i = g.interior
    volume_w = g.area_t[j, i] * g.dzw[:, None, None] * g.maskW[:, j, i]
    volume_w[-1] *= 0.5
    volume_t = g.area_t[j, i] * g.dzt[:, None, None] * g.maskT[:, j, i]
    u, v = st.get("u", "taum1", halo=True), st.get("v", "taum1", halo=True)
    ke = 0.25 * (u[:, j, i] ** 2 + u[:, j, i.start - 1 : i.stop - 1] ** 2)
    ke += 0.25 * (v[:, j, i] ** 2 + v[:, j.start - 1 : j.stop - 1, i] ** 2)
    wind = st.get("surface_taux") * u[-1, j, i] * g.maskU[-1, j, i] * g.area_u[j, i]
    wind += st.get("surface_tauy") * v[-1, j, i] * g.maskV[-1, j, i] * g.area_v[j, i]
    tke_old, tke_new = st.get("tke", "taum1"), st.get("tke", "tau")
    return {
        "k_m": s.rho_0 * np.sum(ke * volume_t),
        "wind_m": np.sum(wind),  # tau / rho_0 times rho_0
        "tke_m": s.rho_0 * np.sum(tke_old * volume_w),
        "dtke_m": s.rho_0 * np.sum((tke_new - tke_old) * volume_w) / s.dt_mom,
        "K_diss_v_m": s.rho_0 * np.sum(st.get("K_diss_v") * volume_w),
        "tke_diss_m": s.rho_0 * np.sum(st.get("tke_diss") * volume_w),
        "eke_m": s.rho_0 * np.sum(st.get("eke", "taum1") * volume_w),
        "tke_forc_m": s.rho_0
        * np.sum(
            g.area_t[j, i] * (st.get("forc_tke_surface") + st.get("tke_surf_corr"))
        ),  # fmt: skip
    }


@pytest.mark.parametrize("reproducible", [True, False])
def test_terms_are_direct_sums_of_the_fields(example_setup, reproducible):
    settings = {**SMALL, "reproducible_sums": reproducible}
    model = Model(example_setup("acc")(), backend="cpu", settings=settings)
    model.run(3)
    diag = EnergyBudget(model, "unused.nc")
    diag.sample()
    terms = {n: v * model.settings.rho_0 for n, v in budget(model).items()}
    assert diag.sums.keys() == terms.keys()
    for name, expected in direct_terms(model).items():
        assert expected != 0.0, name
        assert terms[name] == pytest.approx(expected, rel=1e-12, abs=0.0), name


def test_file_is_written_and_named(acc_run):
    model, out, ds = acc_run
    assert "acc.energy.nc" in {p.name for p in out.iterdir()}
    assert not any(p.name.endswith(".tmp") for p in out.iterdir())
    assert ds.sizes["time"] == 8
    np.testing.assert_allclose(ds["time"].values, np.arange(1, 9) * 0.5)  # days
    assert np.all(ds["samples"].values == 1)
    expected = {"k_m", "Hd_m", "tke_m", "eke_m", "dk_m", "dtke_m", "deke_m", "wind_m",
                "tke_forc_m", "ke_diss_m", "tke_diss_m", "eke_diss_m", "K_diss_h_m"}  # fmt: skip
    assert expected <= set(ds.data_vars)
    assert not {"iw_m", "diw_m", "iw_forc_m", "iw_diss_m"} & set(ds.data_vars)  # no IDEMIX
    assert set(ds.data_vars) - {"samples"} <= set(TERMS)
    assert ds["k_m"].attrs["units"] == "J" and ds["wind_m"].attrs["units"] == "W"
    assert all(np.all(np.isfinite(ds[n].values)) for n in ds.data_vars)
    assert ds["wind_m"].values.max() > 0.0  # the westerlies put energy in


def test_averaging_over_samples(example_setup, tmp_path):
    """energy_sampling 2 over 4 steps with a 2-day period: one record, the mean of the
    samples after steps 2 and 4 (dt_tracer is 12 h)."""
    settings = {**SMALL, "energy_frequency": 2 * DAY, "energy_sampling": 2,
                "snapshot_frequency": 0.0}  # fmt: skip
    model = Model(example_setup("acc")(), backend="cpu", settings=settings)
    model.run(2)
    first = budget(model)
    model.run(2)
    second = budget(model)
    fresh = Model(example_setup("acc")(), backend="cpu", settings=settings)
    run_model(fresh, 4, tmp_path, quiet=True)
    with xr.open_dataset(tmp_path / "acc.energy.nc", engine="h5netcdf") as ds:
        assert ds.sizes["time"] == 1 and int(ds["samples"][0]) == 2
        for name in ("k_m", "dtke_m", "wind_m"):
            mean = 0.5 * (first[name] + second[name]) * model.settings.rho_0
            assert float(ds[name][0]) == pytest.approx(mean, rel=1e-12), name


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("energy_frequency", -1.0, "'energy_frequency': -1.0 is below the allowed range"),
        ("energy_sampling", 0, "'energy_sampling': 0 is below the allowed range"),
        ("energy_frequency", "daily", "'energy_frequency': expected float"),
    ],
)
def test_bad_setting_is_refused(example_setup, name, value, message):
    with pytest.raises(SettingError, match=message):
        Model(example_setup("acc")(), backend="cpu", settings={**SMALL, name: value})


def test_run_from_restart_appends_to_the_file(example_setup, tmp_path):
    settings = {**SMALL, "energy_frequency": DAY / 2, "snapshot_frequency": 0.0}
    first = Model(example_setup("acc")(), backend="cpu", settings=settings)
    run_model(first, 2, tmp_path, quiet=True)
    second = Model(example_setup("acc")(), backend="cpu", settings=settings)
    run_model(second, 2, tmp_path, restart=tmp_path / "acc.restart.h5", quiet=True)
    with xr.open_dataset(tmp_path / "acc.energy.nc", engine="h5netcdf", decode_times=False) as ds:
        np.testing.assert_allclose(ds["time"].values, [0.5, 1.0, 1.5, 2.0])
        assert np.all(np.isfinite(ds["tke_m"].values))

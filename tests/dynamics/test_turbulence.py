"""The TKE closure in the model step (ocean/dynamics/turbulence.py) on the ACC channel.

Routine parity with Veros is in tests/compare/test_compare_tke.py; here: the step's TKE
budget closes column by column, wind input mixes the surface layer, and a configuration
the closure cannot run in is refused.
"""

import numpy as np
import pytest
from conftest import EXAMPLES

from ocean import Model
from ocean.errors import SetupError
from ocean.loader import load_setup

#: the ACC without EKE: these budgets are those of TKE and IDEMIX alone (EKE's transfer into
#: them is tested in test_eddy_energy.py)
SMALL = {"nx": 4, "ny": 42, "enable_eke": False}
#: float64 round-off of a column's tridiagonal solve and sums, relative to the column
#: integral of the field: the implicit solve's off-diagonals reach ~1e4 for IDEMIX (dt
#: tau_v c0^2 / dz^2), which amplifies the last bit by as much (measured 1e-13 for E_iw)
BUDGET_TOLERANCE = 1e-12


def column_integral(grid):
    """(sum over a column's wet W levels of a field times dzw, the top box half as thick;
    the mask of wet columns)."""
    thickness = grid.dzw.copy()
    thickness[-1] *= 0.5
    level_wet = grid.maskT[(slice(None),) + grid.interior] > 0

    def column(values):
        return np.einsum("kji,k->ji", np.where(level_wet, values, 0.0), thickness)

    return column, grid.kbot[grid.interior] > 0


def conserving_path(st):
    """-P_diss_adv - P_diss_nonlin: what advection and the nonlinear equation of state
    take from TKE on Veros's energy-conserving path (on in the ACC)."""
    return -st.get("P_diss_adv") - st.get("P_diss_nonlin")


@pytest.fixture(scope="module")
def acc_after_ten_days():
    model = Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu", settings=SMALL)
    model.run(20)
    return model


def test_tke_budget_closes_in_every_column(acc_after_ten_days):
    """One more step: for each wet column, sum_k (E^{n+1} - E^n) dz_k equals dt times
    sum_k (K_diss_v - P_diss_v - P_diss_adv - P_diss_nonlin + K_diss_bot - dissipation) dz_k
    plus the surface flux and correction, with dz = dzw and half of it in the top box (no
    lateral diffusion in the ACC setup)."""
    model = acc_after_ten_days
    st, g, s = model.state, model.grid, model.settings
    assert not s.enable_tke_hor_diffusion
    before = st.get("tke")
    model.step()
    after = st.get("tke")  # the new level is tau after the rotation
    column, wet = column_integral(g)
    sources = column(
        st.get("K_diss_v") - st.get("P_diss_v") + conserving_path(st) + st.get("K_diss_bot")
        - st.get("tke_diss")
    )  # fmt: skip
    surface = st.get("forc_tke_surface") + st.get("tke_surf_corr")
    change = column(after - before)
    expected = s.dt_mom * (sources + surface)
    assert np.max(np.abs(change[wet])) > 0.0
    scale = np.max(column(np.abs(after))[wet])
    assert np.max(np.abs(change - expected)[wet]) <= BUDGET_TOLERANCE * scale


def test_wind_mixes_the_surface_layer(acc_after_ten_days):
    """Under the westerlies the wind's energy input keeps E and kappaM high in the top
    levels and far lower in the stratified interior."""
    st, g = acc_after_ten_days.state, acc_after_ten_days.grid
    _, lat = g.coords("T")
    windy = (lat[:, 0] < -25.0) & (lat[:, 0] > -38.0)
    kappaM = st.get("kappaM")[:, windy, :]
    tke = st.get("tke")[:, windy, :]
    assert np.all(tke[-2] > 1e-6)
    assert np.median(kappaM[-2]) > 10.0 * np.median(kappaM[: g.nz // 2])
    assert np.all(st.get("forc_tke_surface")[windy] > 0.0)


def test_tke_needs_implicit_vertical_friction(example_setup):
    with pytest.raises(SetupError, match="enable_implicit_vert_friction"):
        Model(
            example_setup("acc")(),
            backend="cpu",
            settings={**SMALL, "enable_implicit_vert_friction": False},
        )


@pytest.fixture(scope="module")
def acc_with_idemix():
    settings = {**SMALL, "enable_idemix": True}
    model = Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu", settings=settings)
    model.run(20)
    return model


def test_internal_wave_budget_closes_in_every_column(acc_with_idemix):
    """One step of E_iw without lateral terms: sum_k (E^{n+1} - E^n) dz_k = dt (bottom and
    surface fluxes + sum_k (K_diss_bot - iw_diss) dz_k), dz = dzw with half of it at the
    top (bottom friction's energy goes to the waves); and the waves' dissipation reaches
    TKE (its budget closes with iw_diss as a source, without K_diss_bot)."""
    model = acc_with_idemix
    st, g, s = model.state, model.grid, model.settings
    before, tke_before = st.get("E_iw"), st.get("tke")
    model.step()
    column, wet = column_integral(g)
    after = st.get("E_iw")
    change = column(after - before)
    fluxes = st.get("forc_iw_bottom") + st.get("forc_iw_surface")
    expected = s.dt_tracer * (fluxes + column(st.get("K_diss_bot") - st.get("iw_diss")))
    assert np.max(np.abs(change[wet])) > 0.0 and np.max(column(st.get("iw_diss"))[wet]) > 0.0
    scale = np.max(column(np.abs(after))[wet])
    assert np.max(np.abs(change - expected)[wet]) <= BUDGET_TOLERANCE * scale
    sources = st.get("K_diss_v") + st.get("iw_diss") - st.get("P_diss_v") - st.get("tke_diss")
    sources += conserving_path(st)
    surface = st.get("forc_tke_surface") + st.get("tke_surf_corr")
    tke_change = column(st.get("tke") - tke_before)
    tke_expected = s.dt_mom * (column(sources) + surface)
    tke_scale = np.max(column(np.abs(st.get("tke")))[wet])
    assert np.max(np.abs(tke_change - tke_expected)[wet]) <= BUDGET_TOLERANCE * tke_scale


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"enable_tke": False, "enable_idemix": True}, "enable_idemix needs enable_tke"),
        (
            {"enable_tke_superbee_advection": True, "enable_tke_upwind_advection": True},
            "choose one",
        ),
    ],
)
def test_inconsistent_switches_are_refused(example_setup, settings, message):
    with pytest.raises(SetupError, match=message):
        Model(example_setup("acc")(), backend="cpu", settings={**SMALL, **settings})

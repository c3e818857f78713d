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

SMALL = {"nx": 4, "ny": 42}
#: float64 round-off of the column sums of a tridiagonal solve (values ~1e-4 m2 s-2)
BUDGET_TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def acc_after_ten_days():
    model = Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu", settings=SMALL)
    model.run(20)
    return model


def test_tke_budget_closes_in_every_column(acc_after_ten_days):
    """One more step: for each wet column, sum_k (E^{n+1} - E^n) dz_k equals dt times
    sum_k (K_diss_v - P_diss_v - dissipation) dz_k plus the surface flux and correction,
    with dz = dzw and half of it in the top box (no lateral diffusion in the ACC setup)."""
    model = acc_after_ten_days
    st, g, s = model.state, model.grid, model.settings
    assert not s.enable_tke_hor_diffusion
    before = st.get("tke")
    model.step()
    after = st.get("tke")  # the new level is tau after the rotation
    thickness = g.dzw.copy()
    thickness[-1] *= 0.5
    wet = g.kbot[g.interior] > 0
    level_wet = g.maskT[(slice(None),) + g.interior] > 0

    def column(values):
        return np.einsum("kji,k->ji", np.where(level_wet, values, 0.0), thickness)

    sources = column(st.get("K_diss_v") - st.get("P_diss_v") - st.get("tke_diss"))
    surface = st.get("forc_tke_surface") + st.get("tke_surf_corr")
    change = column(after - before)
    expected = s.dt_mom * (sources + surface)
    scale = np.max(np.abs(change[wet]))
    assert scale > 0.0
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

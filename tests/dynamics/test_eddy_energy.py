"""The EKE closure in the model step (ocean/dynamics/eddy_energy.py) on the ACC channel.

Routine parity with Veros is in tests/compare/test_compare_eke.py; here: the global EKE
budget closes (lateral diffusion only moves E around), the diffusivities the tracers read
come from E, its dissipation feeds TKE, and beta is df/dy.
"""

import numpy as np
import pytest
from conftest import EXAMPLES
from test_turbulence import BUDGET_TOLERANCE, column_integral

from ocean import Model
from ocean.dynamics.eddy_energy import meridional_coriolis_gradient
from ocean.loader import load_setup

#: Veros's ACC values of the EKE closure
ACC_EKE = {
    "nx": 4, "ny": 42, "enable_eke": True, "eke_k_max": 1e4, "eke_c_k": 0.4,
    "eke_c_eps": 0.5, "eke_cross": 2.0, "eke_crhin": 1.0, "eke_lmin": 100.0,
    "enable_eke_isopycnal_diffusion": True, "enable_eke_superbee_advection": False,
}  # fmt: skip


@pytest.fixture(scope="module")
def acc_with_eddies():
    """Ten days of the ACC with E started at 1e-3 m2 s-2, forced by lateral friction, the
    GM skew flux and isoneutral mixing."""
    model = Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu", settings=ACC_EKE)
    st, b = model.state, model.backend
    for level in range(3):
        b.fill(st.eke[level], 1e-3)
    model.run(20)
    return model


def test_global_eke_budget_closes(acc_with_eddies):
    """One more step: summed over the wet columns, sum_k (E^{n+1} - E^n) dzw equals dt
    sum_k (forcing - eke_diss_iw) dzw (half the top box), since lateral diffusion has no
    flux through coasts; the same per column does not hold (diffusion moves E)."""
    model = acc_with_eddies
    st, g, s = model.state, model.grid, model.settings
    assert not s.enable_eke_superbee_advection
    before = st.get("eke")
    model.step()
    after = st.get("eke")
    column, wet = column_integral(g)
    change = column(after - before) * g.area_t[g.interior]
    sources = column(st.get("eke_forcing") - st.get("eke_diss_iw")) * g.area_t[g.interior]
    assert np.abs(change[wet]).max() > 0.0
    scale = np.sum(column(np.abs(after)) * g.area_t[g.interior])
    assert abs(change[wet].sum() - s.dt_tracer * sources[wet].sum()) <= BUDGET_TOLERANCE * scale


def test_diffusivities_come_from_eke(acc_with_eddies):
    """K_gm = min(eke_k_max, eke_c_k L sqrt(E)) with L >= eke_lmin, and K_iso = K_gm."""
    st, g = acc_with_eddies.state, acc_with_eddies.grid
    wet = g.maskW[(slice(None),) + g.interior] > 0
    K_gm, K_iso = st.get("K_gm"), st.get("K_iso")
    expected = np.minimum(1e4, 0.4 * st.get("eke_len") * st.get("sqrteke"))
    assert np.array_equal(K_gm, expected)
    assert np.array_equal(K_iso, K_gm)
    assert np.all(st.get("eke_len")[wet] >= 100.0)
    assert K_gm[wet].max() > 1.1 * K_gm[wet].min() > 0.0  # it varies with E and L


def test_eke_dissipation_feeds_tke(acc_with_eddies):
    """Without IDEMIX the TKE column budget closes with eke_diss_iw as its transfer."""
    model = acc_with_eddies
    st, g, s = model.state, model.grid, model.settings
    before = st.get("tke")
    model.step()
    column, wet = column_integral(g)
    transfer = column(st.get("eke_diss_iw"))
    sources = column(
        st.get("K_diss_v") - st.get("P_diss_v") - st.get("P_diss_adv") - st.get("P_diss_nonlin")
        + st.get("K_diss_bot") - st.get("tke_diss")
    )  # fmt: skip
    surface = st.get("forc_tke_surface") + st.get("tke_surf_corr")
    change = column(st.get("tke") - before)
    scale = np.max(column(np.abs(st.get("tke")))[wet])
    residual = change - s.dt_mom * (sources + transfer + surface)
    assert np.max(np.abs(residual)[wet]) <= BUDGET_TOLERANCE * scale
    # the transfer matters: without it the budget misses by far more than round-off
    assert np.max(s.dt_mom * transfer[wet]) > 1e3 * BUDGET_TOLERANCE * scale


def test_beta_is_the_meridional_gradient_of_f():
    """Exact for f linear in y (the beta plane); second order on the sphere."""
    y = np.cumsum(np.full(12, 2e4))
    dyu = np.full(12, 2e4)
    f = 1e-4 + 2e-11 * y
    beta = meridional_coriolis_gradient(np.tile(f[:, None], (1, 3)), dyu)
    assert np.allclose(beta, 2e-11, rtol=1e-9, atol=0.0)
    omega, radius = 7.292e-5, 6.37e6
    for cells in (20, 40):
        lat = np.deg2rad(np.linspace(-40.0, 40.0, cells))
        dy = radius * (lat[1] - lat[0])
        beta = meridional_coriolis_gradient(2 * omega * np.sin(lat)[:, None], np.full(cells, dy))
        exact = 2 * omega * np.cos(lat) / radius
        error = np.abs(beta - exact[:, None])[1:-1].max()
        if cells == 20:
            coarse = error
    assert coarse / error > 3.9  # halving dy divides the error by 4


def test_gm_and_isoneutral_mixing_feed_eke(acc_with_eddies):
    """The forcing is the kinetic energy lateral friction dissipates plus the potential
    energy the GM skew flux and isoneutral mixing release: both positive summed over the
    basin (friction only dissipates; the skew flux flattens the isopycnals)."""
    st, g = acc_with_eddies.state, acc_with_eddies.grid
    column, wet = column_integral(g)
    area = g.area_t[g.interior]
    forcing = st.get("eke_forcing")
    K_diss_h = st.get("K_diss_h")
    assert np.array_equal(forcing, K_diss_h - st.get("P_diss_skew") - st.get("P_diss_iso"))
    assert np.sum(column(K_diss_h) * area) > 0.0
    assert np.sum(column(-st.get("P_diss_skew")) * area) > 0.0
    assert np.sum(column(forcing) * area) > 0.0

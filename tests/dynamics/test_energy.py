"""The energy-conserving path in the model step (ocean/dynamics/energy.py) on the ACC
channel: each transfer is the energy its process takes from the resolved flow, integrated
over the domain; routine parity with Veros is in tests/compare/test_compare_energy.py.

The ACC grid's levels make the W-grid remap exact in the integral (dzt_k is the mean of
the dzw either side, and the bottom is flat), so the budgets close to round-off.
"""

import numpy as np
import pytest
from conftest import EXAMPLES

from ocean import Model
from ocean.kernels import friction as KF
from ocean.loader import load_setup

SMALL = {"nx": 4, "ny": 42, "enable_eke": False}
TOLERANCE = 1e-12


def make(**settings):
    return Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu", settings={**SMALL, **settings})


@pytest.fixture(scope="module")
def acc():
    model = make()
    model.run(10)
    return model


def w_volume(grid):
    """Volumes [m3] of the interior's W boxes, half a box at the top."""
    thickness = grid.dzw.copy()
    thickness[-1] *= 0.5
    h = grid.interior
    return grid.maskW[(slice(None),) + h] * thickness[:, None, None] * grid.area_t[h][None]


def interior(grid, field):
    return field[(slice(None),) + grid.interior]


def test_the_grid_makes_the_remap_exact(acc):
    g = acc.grid
    assert np.allclose(g.dzt[1:-1], 0.5 * (g.dzw[:-2] + g.dzw[1:-1]))
    assert np.all(g.kbot[g.interior][g.kbot[g.interior] > 0] == 1)


def drag_tendency(model, r_bot, r_quad_bot):
    """du_mix, dv_mix of the explicit friction with the given drag, the rest as the run."""
    st, d, g = model.state, model.dev, model.grid
    du, dv = np.zeros(g.shape3), np.zeros(g.shape3)
    u, v = st.u[st.tau], st.v[st.tau]
    model.backend.launch(
        KF.explicit_friction, g.box(),
        u, v, st.lap_u, st.lap_v, d.kbot, d.maskU, d.maskV, *model.momentum.harm,
        *model.momentum.bih, d.dxt, d.dxu, d.dyt, d.dyu, d.dzt, d.cost, d.cosu, r_bot,
        r_quad_bot, False, du, dv,
    )  # fmt: skip
    return du, dv


@pytest.mark.parametrize("r_quad_bot", [0.0, 2e-3])
def test_bottom_friction_dissipation_is_the_kinetic_energy_drag_removes(acc, r_quad_bot):
    """int K_diss_bot dV = -sum (u du_drag area_u + v dv_drag area_v) dzt, du_drag the
    friction tendency with the drag minus without it."""
    st, g, s = acc.state, acc.grid, acc.settings
    acc.energy.bottom_friction(st.u[st.tau], st.v[st.tau])  # r_bot of the ACC
    with_drag = drag_tendency(acc, s.r_bot, 0.0)
    without = drag_tendency(acc, 0.0, 0.0)
    if r_quad_bot:
        # the quadratic drag alone, through the model's routine with the setting changed
        r_bot = s.r_bot
        s.r_bot, s.r_quad_bot = 0.0, r_quad_bot
        try:
            acc.energy.bottom_friction(st.u[st.tau], st.v[st.tau])
            with_drag = drag_tendency(acc, 0.0, r_quad_bot)
        finally:
            s.r_bot, s.r_quad_bot = r_bot, 0.0
    removed = 0.0
    for vel, tendency, area in (
        (st.u[st.tau], with_drag[0] - without[0], g.area_u),
        (st.v[st.tau], with_drag[1] - without[1], g.area_v),
    ):  # fmt: skip
        removed -= np.sum(interior(g, vel * tendency) * g.dzt[:, None, None] * area[g.interior])
    total = np.sum(st.get("K_diss_bot") * w_volume(g))
    assert removed > 0.0
    assert abs(total - removed) <= TOLERANCE * removed


def test_advection_dissipation_is_the_potential_energy_advection_releases(acc):
    """int P_diss_adv dV = -g/rho_0 [int (int_drhodT dT/dt + int_drhodS dS/dt) dV +
    sum over W faces of w (rho_k + rho_k+1)/2 area dzw] (advective tendencies at tau; the
    advection of Hd integrates to 0), and it is spread evenly over the turbulent boxes."""
    st, g, s = acc.state, acc.grid, acc.settings
    acc.energy.advection(acc.tracers.scheme)
    h = (slice(None),) + g.interior
    volume_t = g.maskT[h] * g.dzt[:, None, None] * g.area_t[g.interior][None]
    enthalpy = st.get("int_drhodT") * st.get("dtemp") + st.get("int_drhodS") * st.get("dsalt")
    rho, w = st.get("rho"), st.get("w")
    faces = 0.5 * w[:-1] * (rho[:-1] + rho[1:]) * g.dzw[:-1, None, None]
    work = np.sum(faces * g.area_t[g.interior][None])
    expected = -s.grav / s.rho_0 * (np.sum(enthalpy * volume_t) + work)
    P_diss_adv = st.get("P_diss_adv")
    total = np.sum(P_diss_adv * w_volume(g))
    scale = s.grav / s.rho_0 * np.sum(np.abs(enthalpy) * volume_t)
    assert abs(total - expected) <= 1e-10 * scale
    assert abs(expected) > 1e-6 * scale  # not a cancellation to round-off
    values = np.unique(P_diss_adv[w_volume(g) > 0])
    assert np.count_nonzero(values) == 1  # one value where E > 0 (and at the top), else 0


@pytest.mark.parametrize("eos, cabbeling", [("linear", False), ("nonlinear_vallis", True)])
def test_only_a_nonlinear_equation_of_state_gives_P_diss_nonlin(eos, cabbeling):
    """Below the top, vertical mixing's dissipation with int_drho is kappaH N^2 exactly for
    the linear equation of state; the nonlinear one leaves P_diss_nonlin."""
    model = make(eq_of_state=eos)
    model.run(3)
    st = model.state
    nonlin = st.get("P_diss_nonlin")[:-1]
    buoyancy = np.abs(st.get("P_diss_v")[:-1]).max()
    assert buoyancy > 0.0
    if cabbeling:
        assert np.abs(nonlin).max() > 1e-6 * buoyancy
    else:
        assert np.abs(nonlin).max() <= 1e-10 * buoyancy


@pytest.mark.parametrize("switch", ["enable_eke_diss_bottom", "enable_eke_diss_surfbot"])
def test_eke_dissipation_reinjected_into_internal_waves(switch):
    """With EKE and IDEMIX, the waves' forcing integrates over each column to EKE's
    dissipation plus bottom friction's; surfbot puts eke_diss_surfbot_frac of EKE's at
    the bottom and the rest in the top box."""
    model = make(enable_eke=True, enable_idemix=True, eke_diss_surfbot_frac=0.2, **{switch: True})
    model.run(3)
    st, g = model.state, model.grid
    thickness = g.dzw.copy()
    thickness[-1] *= 0.5
    wet = g.kbot[g.interior] > 0

    def column(field):
        return np.einsum("kji,k->ji", field * g.maskW[(slice(None),) + g.interior], thickness)

    eke = column(st.get("eke_diss_iw"))
    waves = column(st.get("iw_forcing") - st.get("K_diss_bot"))
    assert np.abs(eke[wet]).max() > 0.0
    assert np.abs(waves - eke)[wet].max() <= TOLERANCE * np.abs(eke[wet]).max()
    placed = st.get("iw_forcing") - st.get("K_diss_bot")
    top = placed[-1] * thickness[-1]
    expected_top = 0.8 * eke if switch == "enable_eke_diss_surfbot" else 0.0 * eke
    assert np.allclose(top[wet], expected_top[wet], rtol=1e-12, atol=1e-30)
    assert np.all(placed[1:-1][:, wet] == 0.0)

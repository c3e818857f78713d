"""Advection of W-point quantities against Veros: its velocities on the W grid
(advection.calculate_velocity_on_wgrid_kernel) and TKE's superbee or upwind advection with
the Adams-Bashforth step (the end of tke.integrate_tke_kernel), on the ACC grid with its
land barrier and random velocities. Target 1e-10 relative, as every routine."""

import numpy as np
import pytest
from test_compare_tke import TRANSFERS, random_turbulence
from veros_pair import acc_pair, interior, ours_layout, relative_difference, tke_only

from ocean.backends import get_backend
from ocean.dynamics.turbulence import tke_vertical_step
from ocean.kernels import wgrid_advection as KW

ROUTINE_TOLERANCE = 1e-10


@pytest.fixture(scope="module")
def pair():
    pair = tke_only(acc_pair(nx=8, ny=42))
    with pair.veros.settings.unlock():
        pair.veros.settings.enable_tke_hor_diffusion = False
    return pair


def random_flow(pair, seed):
    from veros.core.operators import at, update

    rng = np.random.default_rng(seed)
    vs = pair.vs
    shape = vs.u.shape[:3]
    with vs.unlock():
        vs.u = update(vs.u, at[..., vs.tau], rng.normal(0.0, 0.2, shape) * vs.maskU)
        vs.v = update(vs.v, at[..., vs.tau], rng.normal(0.0, 0.2, shape) * vs.maskV)
        vs.dtke = update(vs.dtke, at[..., vs.taum1], rng.normal(0.0, 1e-9, shape))


def our_wgrid_velocities(pair):
    vs, grid = pair.vs, pair.ours.grid
    shape = vs.u.shape[:3][::-1]
    u_w, v_w, w_w = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    backend = get_backend("cpu")
    backend.launch(
        KW.velocity_on_wgrid, grid.box(1),
        ours_layout(vs.u[..., vs.tau]), ours_layout(vs.v[..., vs.tau]),
        ours_layout(vs.maskU), ours_layout(vs.maskV), ours_layout(vs.maskW), vs.dzt, vs.dzw,
        u_w, v_w,
    )  # fmt: skip
    backend.launch(
        KW.vertical_velocity_on_wgrid, grid.box2(),
        u_w, v_w, vs.dxt, vs.dyt, vs.dzw, vs.cost, vs.cosu, w_w,
    )  # fmt: skip
    return u_w, v_w, w_w


def test_velocities_on_the_wgrid(pair):
    from veros.core import advection

    random_flow(pair, seed=21)
    theirs = advection.calculate_velocity_on_wgrid_kernel(pair.veros)
    for ours, name in zip(
        our_wgrid_velocities(pair), ("u_wgrid", "v_wgrid", "w_wgrid"), strict=True
    ):
        difference = relative_difference(
            interior(pair.as_veros(ours)), interior(getattr(theirs, name))
        )
        assert difference <= ROUTINE_TOLERANCE, (name, difference)


@pytest.mark.parametrize("scheme", ["superbee", "upwind"])
def test_tke_advection_step(pair, scheme):
    """E at tau+1 and its advective tendency after the vertical step and the advection."""
    from veros.core import advection, tke

    s, vs = pair.veros.settings, pair.vs
    with s.unlock():
        s.enable_tke_superbee_advection = scheme == "superbee"
        s.enable_tke_upwind_advection = scheme == "upwind"
    random_turbulence(pair, seed=22)
    random_flow(pair, seed=23)
    with vs.unlock():
        vs.update(advection.calculate_velocity_on_wgrid_kernel(pair.veros))
        vs.update(tke.set_tke_diffusivities_kernel(pair.veros))
    theirs = tke.integrate_tke_kernel(pair.veros)

    grid, backend = pair.ours.grid, get_backend("cpu")
    shape = vs.tke.shape[:3][::-1]
    production = sum(getattr(vs, n) for n, sign in TRANSFERS.items() if sign > 0)
    sink = sum(getattr(vs, n) for n, sign in TRANSFERS.items() if sign < 0)
    tke_now = ours_layout(vs.tke[..., vs.tau])
    tke_new, scratch = np.zeros(shape), np.zeros(shape)
    dissipation, correction = np.zeros(shape), np.zeros(shape[1:])
    tke_vertical_step(
        backend, grid.box2(),
        tke_now, ours_layout(production), np.zeros(shape), ours_layout(sink),
        ours_layout(vs.forc_tke_surface), ours_layout(vs.kappaM), ours_layout(vs.sqrttke),
        ours_layout(vs.mxl),
        ours_layout(vs.kbot), vs.dzt, vs.dzw, s.dt_mom, s.alpha_tke, s.c_eps, scratch,
        tke_new, dissipation, correction,
    )  # fmt: skip
    u_w, v_w, w_w = our_wgrid_velocities(pair)
    tendency = np.zeros(shape)
    backend.launch(
        KW.wgrid_advection_step, grid.box(),
        tke_now, u_w, v_w, w_w, ours_layout(vs.maskW), vs.dxt, vs.dyt, vs.dzw, vs.cost,
        vs.cosu, s.dt_tracer, scheme == "superbee", 1.5 + s.AB_eps, 0.5 + s.AB_eps,
        tendency, ours_layout(vs.dtke[..., vs.taum1]), tke_new,
    )  # fmt: skip
    for ours, veros in [(tendency, theirs.dtke[..., vs.tau]), (tke_new, theirs.tke[..., vs.taup1])]:
        difference = relative_difference(interior(pair.as_veros(ours)), interior(veros))
        assert difference <= ROUTINE_TOLERANCE, difference

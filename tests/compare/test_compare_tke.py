"""The TKE closure's routines against Veros's (tke.set_tke_diffusivities_kernel and
tke.integrate_tke_kernel), given the same E, N^2 and energy transfers on the ACC grid.

Target: 1e-10 relative per routine (max |ours - Veros| / max |Veros|) on the interior.
Each variant of the settings that changes the arithmetic is run: both mixing-length rules,
the Richardson-number Prandtl number or a constant one, the Bryan & Lewis profile.
"""

import numpy as np
import pytest
from veros_pair import acc_pair, interior, ours_layout, relative_difference, tke_only

from ocean.backends import get_backend
from ocean.dynamics.turbulence import bryan_lewis_profile, tke_diffusivities, tke_vertical_step
from ocean.kernels import tke as KTKE
from ocean.kernels import vertical_friction as KVF

ROUTINE_TOLERANCE = 1e-10
#: the energy transfers Veros adds into the TKE forcing without EKE and IDEMIX, with sign
TRANSFERS = {
    "K_diss_v": 1.0, "P_diss_v": -1.0, "P_diss_adv": -1.0, "P_diss_nonlin": -1.0,
    "K_diss_gm": 1.0, "K_diss_h": 1.0, "P_diss_skew": -1.0, "K_diss_bot": 1.0,
}  # fmt: skip


@pytest.fixture(scope="module")
def pair():
    return tke_only(acc_pair(nx=8, ny=42))


def random_turbulence(pair, seed):
    """E >= 0 (1e-6..1e-3 m2 s-2, some zeros), N^2 of both signs, transfers >= 0 [m2 s-3]."""
    from veros.core.operators import at, update

    rng = np.random.default_rng(seed)
    vs = pair.vs
    shape = vs.tke.shape[:3]
    tke = 10.0 ** rng.uniform(-6, -3, shape) * (rng.random(shape) > 0.05)
    with vs.unlock():
        vs.tke = update(vs.tke, at[..., vs.tau], tke)
        vs.tke = update(vs.tke, at[..., vs.taup1], 0.0)
        vs.Nsqr = update(vs.Nsqr, at[..., vs.tau], rng.normal(2e-6, 3e-6, shape))
        for name in TRANSFERS:
            setattr(vs, name, 10.0 ** rng.uniform(-10, -7, shape))
        vs.forc_tke_surface = 10.0 ** rng.uniform(-7, -5, shape[:2])


def our_diffusivities(pair):
    vs, s = pair.vs, pair.veros.settings
    grid = pair.ours.grid
    out = {name: np.zeros(vs.tke.shape[:3][::-1]) for name in
           ("sqrttke", "mxl", "kappaM", "kappaH", "Prandtlnumber")}  # fmt: skip
    kappaH_floor = np.array(bryan_lewis_profile(vs.zw, s.enable_kappaH_profile))
    tke_diffusivities(
        get_backend("cpu"), grid.box(),
        ours_layout(vs.tke[..., vs.tau]), ours_layout(vs.Nsqr[..., vs.tau]),
        ours_layout(vs.K_diss_v), ours_layout(vs.maskW), vs.zw, vs.dzw, vs.dzt,
        ours_layout(vs.ht), s.tke_mxl_choice, s.mxl_min, s.c_k, s.kappaM_min, s.kappaM_max,
        s.kappaH_min, s.enable_Prandtl_tke, s.Prandtl_tke0, kappaH_floor,
        s.enable_idemix, *idemix_fields(pair), *out.values(),
    )  # fmt: skip
    return out


def idemix_fields(pair):
    """alpha_c and E_iw (tau) where Veros has IDEMIX, else zeros that are not read."""
    vs = pair.vs
    if not pair.veros.settings.enable_idemix:
        return np.zeros((1, 1, 1)), np.zeros((1, 1, 1))
    return ours_layout(vs.alpha_c), ours_layout(vs.E_iw[..., vs.tau])


@pytest.mark.parametrize(
    "mxl_choice, prandtl_from_richardson, kappaH_profile",
    [(2, True, True), (1, True, True), (2, False, True), (1, True, False)],
)
def test_tke_diffusivities(pair, mxl_choice, prandtl_from_richardson, kappaH_profile):
    from veros.core import tke

    with pair.veros.settings.unlock():
        pair.veros.settings.tke_mxl_choice = mxl_choice
        pair.veros.settings.enable_Prandtl_tke = prandtl_from_richardson
        pair.veros.settings.enable_kappaH_profile = kappaH_profile
    random_turbulence(pair, seed=mxl_choice + 2 * prandtl_from_richardson)
    ours = our_diffusivities(pair)
    theirs = tke.set_tke_diffusivities_kernel(pair.veros)
    for name, field in ours.items():
        difference = relative_difference(
            interior(pair.as_veros(field)), interior(getattr(theirs, name))
        )
        assert difference <= ROUTINE_TOLERANCE, (name, difference)


@pytest.mark.parametrize("lateral_diffusion", [False, True])
def test_tke_step(pair, lateral_diffusion):
    """E at tau+1, its dissipation and the surface correction after the implicit vertical
    step (and the lateral diffusion), from the same E, coefficients and transfers."""
    from veros.core import tke

    with pair.veros.settings.unlock():
        pair.veros.settings.tke_mxl_choice = 2
        pair.veros.settings.enable_Prandtl_tke = True
        pair.veros.settings.enable_tke_hor_diffusion = lateral_diffusion
        pair.veros.settings.enable_tke_superbee_advection = False
        pair.veros.settings.enable_tke_upwind_advection = False
    random_turbulence(pair, seed=7)
    vs, s, grid = pair.vs, pair.veros.settings, pair.ours.grid
    with vs.unlock():
        vs.update(tke.set_tke_diffusivities_kernel(pair.veros))
    production = sum(getattr(vs, name) for name, sign in TRANSFERS.items() if sign > 0)
    sink = sum(getattr(vs, name) for name, sign in TRANSFERS.items() if sign < 0)
    shape = vs.tke.shape[:3][::-1]
    tke_now = ours_layout(vs.tke[..., vs.tau])
    tke_new, dissipation = np.zeros(shape), np.zeros(shape)
    work, correction = np.zeros(shape), np.zeros(shape[1:])
    backend = get_backend("cpu")
    tke_vertical_step(
        backend, grid.box2(),
        tke_now, ours_layout(production), np.zeros(shape), ours_layout(sink),
        ours_layout(vs.forc_tke_surface), ours_layout(vs.kappaM), ours_layout(vs.sqrttke),
        ours_layout(vs.mxl),
        ours_layout(vs.kbot), vs.dzt, vs.dzw, s.dt_mom, s.alpha_tke, s.c_eps, work, tke_new,
        dissipation, correction,
    )  # fmt: skip
    if lateral_diffusion:
        backend.launch(
            KTKE.tke_lateral_diffusion, grid.box(),
            tke_now, ours_layout(vs.maskU), ours_layout(vs.maskV), ours_layout(vs.maskW),
            vs.dxt, vs.dxu, vs.dyt, vs.dyu, vs.cost, vs.cosu, s.K_h_tke, s.dt_mom, tke_new,
        )  # fmt: skip
    theirs = tke.integrate_tke_kernel(pair.veros)
    for ours, veros in [
        (tke_new, theirs.tke[..., vs.taup1]),
        (dissipation, theirs.tke_diss),
        (correction, theirs.tke_surf_corr),
    ]:
        difference = relative_difference(interior(pair.as_veros(ours)), interior(veros))
        assert difference <= ROUTINE_TOLERANCE, difference


def test_shear_production_of_implicit_vertical_friction(pair):
    """K_diss_v of Veros's implicit_vert_friction against ours: our implicit friction on
    the interior and one ring (the faces west and south), then its dissipation."""
    from veros.core import friction
    from veros.core.operators import at, update

    rng = np.random.default_rng(11)
    vs, s, grid = pair.vs, pair.veros.settings, pair.ours.grid
    shape = vs.u.shape[:3]
    u, v = rng.normal(0.0, 0.1, shape) * vs.maskU, rng.normal(0.0, 0.1, shape) * vs.maskV
    kappaM = 10.0 ** rng.uniform(-4, -1, shape)
    with vs.unlock():
        vs.u = update(vs.u, at[..., vs.tau], u)
        vs.v = update(vs.v, at[..., vs.tau], v)
        vs.kappaM = kappaM
        vs.K_diss_v = update(vs.K_diss_v, at[...], 0.0)
    theirs = friction.implicit_vert_friction(pair.veros).K_diss_v
    ours_shape = shape[::-1]
    work_u, work_v = np.zeros(ours_shape), np.zeros(ours_shape)
    du_mix, dv_mix, K_diss_v = np.zeros(ours_shape), np.zeros(ours_shape), np.zeros(ours_shape)
    backend = get_backend("cpu")
    u, v, kappaM = ours_layout(u), ours_layout(v), ours_layout(kappaM)
    mask_u, mask_v = ours_layout(vs.maskU), ours_layout(vs.maskV)
    backend.launch(
        KVF.implicit_vertical_friction, grid.box2(1),
        u, v, kappaM, ours_layout(vs.kbot), mask_u, mask_v, vs.dzt, vs.dzw, s.dt_mom,
        work_u, work_v, du_mix, dv_mix,
    )  # fmt: skip
    backend.launch(
        KTKE.vertical_friction_dissipation, grid.box(),
        u, v, du_mix, dv_mix, kappaM, mask_u, mask_v, vs.dzw, vs.dxt, vs.dxu,
        ours_layout(vs.area_t), ours_layout(vs.area_v), s.dt_mom, K_diss_v,
    )  # fmt: skip
    difference = relative_difference(interior(pair.as_veros(K_diss_v)), interior(theirs))
    assert difference <= ROUTINE_TOLERANCE, difference


@pytest.mark.parametrize("name", ["nonlinear_vallis", "teos10"])
def test_buoyancy_flux(pair, name):
    """P_diss_v of Veros's diag_P_diss_v (enable_conserve_energy = False) against ours,
    from the same kappaH, N^2, new temperature and salinity and surface fluxes."""
    from veros.core import thermodynamics
    from veros.core.operators import at, update

    from ocean.dynamics.tracers import EOS_TYPES, VEROS_TYPES

    rng = np.random.default_rng(12)
    vs, s = pair.vs, pair.veros.settings
    shape = vs.temp.shape[:3]
    temp, salt = rng.uniform(0.0, 25.0, shape), rng.uniform(33.0, 37.0, shape)
    heat, fresh = rng.normal(0.0, 1e-5, shape[:2]), rng.normal(0.0, 1e-6, shape[:2])
    with pair.veros.settings.unlock():
        s.enable_conserve_energy = False
        s.eq_of_state_type = VEROS_TYPES[name]
    with vs.unlock():
        vs.temp = update(vs.temp, at[..., vs.taup1], temp)
        vs.salt = update(vs.salt, at[..., vs.taup1], salt)
        vs.Nsqr = update(vs.Nsqr, at[..., vs.taup1], rng.normal(1e-6, 2e-6, shape))
        vs.kappaH = 10.0 ** rng.uniform(-5, -1, shape)
        vs.forc_temp_surface, vs.forc_salt_surface = heat, fresh
        vs.update(thermodynamics.surf_densityf(pair.veros))
    theirs = thermodynamics.diag_P_diss_v(pair.veros).P_diss_v
    zeros = np.zeros(shape[:2][::-1])
    P_diss_v = np.zeros(shape[::-1])
    temp, salt = ours_layout(temp), ours_layout(salt)
    get_backend("cpu").launch(
        KTKE.buoyancy_flux, pair.ours.grid.box2(),
        EOS_TYPES[name], ours_layout(vs.kappaH), ours_layout(vs.Nsqr[..., vs.taup1]), temp,
        salt, ours_layout(vs.maskT), vs.zt, temp, zeros, zeros, ours_layout(heat), salt,
        zeros, zeros, ours_layout(fresh), s.grav, s.rho_0, P_diss_v,
    )  # fmt: skip
    difference = relative_difference(interior(pair.as_veros(P_diss_v)), interior(theirs))
    assert difference <= ROUTINE_TOLERANCE, difference
    top = interior(theirs)[..., -1]
    assert np.max(np.abs(top)) > 0.0  # the surface term was compared

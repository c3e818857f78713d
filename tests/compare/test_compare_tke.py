"""The TKE closure's routines against Veros's (tke.set_tke_diffusivities_kernel and
tke.integrate_tke_kernel), given the same E, N^2 and energy transfers on the ACC grid.

Target: 1e-10 relative per routine (max |ours - Veros| / max |Veros|) on the interior.
Each variant of the settings that changes the arithmetic is run: both mixing-length rules,
the Richardson-number Prandtl number or a constant one, the Bryan & Lewis profile.
"""

import numpy as np
import pytest
from veros_pair import acc_pair

from ocean.backends import get_backend
from ocean.kernels import tke as KTKE

ROUTINE_TOLERANCE = 1e-10
#: the energy transfers Veros adds into the TKE forcing without EKE and IDEMIX, with sign
TRANSFERS = {
    "K_diss_v": 1.0, "P_diss_v": -1.0, "P_diss_adv": -1.0, "P_diss_nonlin": -1.0,
    "K_diss_gm": 1.0, "K_diss_h": 1.0, "P_diss_skew": -1.0, "K_diss_bot": 1.0,
}  # fmt: skip


@pytest.fixture(scope="module")
def pair():
    pair = acc_pair(nx=8, ny=42)
    with pair.veros.settings.unlock():  # the TKE forcing of a configuration without both
        pair.veros.settings.enable_eke = False
        pair.veros.settings.enable_idemix = False
        pair.veros.settings.enable_store_cabbeling_heat = False
    return pair


def relative_difference(ours, theirs):
    scale = np.max(np.abs(theirs))
    assert scale > 0.0  # the comparison saw a field, not zeros
    return np.max(np.abs(ours - theirs)) / scale


def ours_layout(array):
    """Veros's [i, j, k] (both with two halo cells here) as our [k, j, i]."""
    return np.ascontiguousarray(np.moveaxis(array, (0, 1), (-1, -2)))


def interior(pair, veros_array):
    return veros_array[2:-2, 2:-2]


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
    get_backend("cpu").launch(
        KTKE.tke_diffusivities, grid.box2(),
        ours_layout(vs.tke[..., vs.tau]), ours_layout(vs.Nsqr[..., vs.tau]),
        ours_layout(vs.K_diss_v), ours_layout(vs.maskW), vs.zw, vs.dzw, vs.dzt,
        ours_layout(vs.ht), s.tke_mxl_choice, s.mxl_min, s.c_k, s.kappaM_min, s.kappaM_max,
        s.kappaH_min, s.enable_Prandtl_tke, s.Prandtl_tke0, s.enable_kappaH_profile,
        *out.values(),
    )  # fmt: skip
    return out


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
            interior(pair, pair.as_veros(field)), interior(pair, getattr(theirs, name))
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
    forcing = sum(sign * getattr(vs, name) for name, sign in TRANSFERS.items())
    shape = vs.tke.shape[:3][::-1]
    tke_now = ours_layout(vs.tke[..., vs.tau])
    tke_new, dissipation = np.zeros(shape), np.zeros(shape)
    work, correction = np.zeros(shape), np.zeros(shape[1:])
    backend = get_backend("cpu")
    backend.launch(
        KTKE.tke_vertical_step, grid.box2(),
        tke_now, ours_layout(forcing), ours_layout(vs.forc_tke_surface), ours_layout(vs.kappaM),
        ours_layout(vs.sqrttke), ours_layout(vs.mxl), ours_layout(vs.kbot), vs.dzt, vs.dzw,
        s.dt_mom, s.alpha_tke, s.c_eps, work, tke_new, dissipation, correction,
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
        difference = relative_difference(interior(pair, pair.as_veros(ours)), interior(pair, veros))
        assert difference <= ROUTINE_TOLERANCE, difference

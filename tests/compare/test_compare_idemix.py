"""IDEMIX against Veros (idemix.set_idemix_parameter and idemix.integrate_idemix_kernel):
the group velocities and dissipation coefficient from N^2 and f, and one step of E_iw
(implicit vertical propagation and dissipation, bottom and surface forcing, lateral
propagation) from the same state, on the ACC grid. Target 1e-10 relative per routine."""

import numpy as np
import pytest
from veros_pair import acc_pair, interior, ours_layout, relative_difference, tke_only

from ocean.backends import get_backend
from ocean.dynamics.internal_waves import idemix_vertical_step
from ocean.kernels import idemix as KI

ROUTINE_TOLERANCE = 1e-10
#: the energy transfers Veros feeds IDEMIX without EKE (K_diss_bot: not stored in TKE)
TRANSFERS = {"K_diss_gm": 1.0, "K_diss_h": 1.0, "P_diss_skew": -1.0, "K_diss_bot": 1.0}
VEROS_IDEMIX = {"tau_v": 2 * 86400.0, "tau_h": 15 * 86400.0, "gamma": 1.57, "jstar": 5.0}


@pytest.fixture(scope="module")
def pair():
    pair = tke_only(acc_pair(nx=8, ny=42, enable_idemix=True))
    with pair.veros.settings.unlock():
        pair.veros.settings.enable_idemix = True  # tke_only switched it off
        pair.veros.settings.enable_store_bottom_friction_tke = False
        pair.veros.settings.enable_idemix_superbee_advection = False
        pair.veros.settings.enable_idemix_upwind_advection = False
    return pair


def random_waves(pair, seed):
    """E_iw >= 0 mostly (some negative, as the scheme allows), N^2 of both signs."""
    from veros.core.operators import at, update

    rng = np.random.default_rng(seed)
    vs = pair.vs
    shape = vs.E_iw.shape[:3]
    with vs.unlock():
        vs.E_iw = update(vs.E_iw, at[..., vs.tau], rng.uniform(-1e-5, 1e-3, shape))
        vs.E_iw = update(vs.E_iw, at[..., vs.taup1], 0.0)
        vs.Nsqr = update(vs.Nsqr, at[..., vs.tau], rng.normal(3e-6, 3e-6, shape))
        for name in TRANSFERS:
            setattr(vs, name, 10.0 ** rng.uniform(-10, -8, shape))
        vs.forc_iw_bottom = 10.0 ** rng.uniform(-7, -5, shape[:2])
        vs.forc_iw_surface = 10.0 ** rng.uniform(-8, -6, shape[:2])


def our_parameters(pair):
    vs, s = pair.vs, pair.veros.settings
    out = [np.zeros(vs.E_iw.shape[:3][::-1]) for _ in range(3)]
    get_backend("cpu").launch(
        KI.idemix_parameters, pair.ours.grid.box2(),
        ours_layout(vs.Nsqr[..., vs.tau]), ours_layout(vs.maskW), vs.dzw,
        ours_layout(vs.coriolis_t), s.gamma, s.jstar, s.mu0, np.zeros(out[0].shape[1:]), *out,
    )  # fmt: skip
    return dict(zip(("c0", "v0", "alpha_c"), out, strict=True))


def test_settings_are_veros_defaults(pair):
    s = pair.veros.settings
    for name, value in VEROS_IDEMIX.items():
        assert getattr(s, name) == pytest.approx(value), name


def test_idemix_parameters(pair):
    from veros.core import idemix

    random_waves(pair, seed=31)
    theirs = idemix.set_idemix_parameter(pair.veros)
    for name, ours in our_parameters(pair).items():
        difference = relative_difference(
            interior(pair.as_veros(ours)), interior(getattr(theirs, name))
        )
        assert difference <= ROUTINE_TOLERANCE, (name, difference)


@pytest.mark.parametrize("lateral", [False, True])
def test_idemix_step(pair, lateral):
    from veros.core import idemix

    s, vs = pair.veros.settings, pair.vs
    with s.unlock():
        s.enable_idemix_hor_diffusion = lateral
    random_waves(pair, seed=32)
    with vs.unlock():
        vs.update(idemix.set_idemix_parameter(pair.veros))
    theirs = idemix.integrate_idemix_kernel(pair.veros)

    grid, backend = pair.ours.grid, get_backend("cpu")
    shape = vs.E_iw.shape[:3][::-1]
    forcing = sum(sign * getattr(vs, name) for name, sign in TRANSFERS.items())
    energy = ours_layout(vs.E_iw[..., vs.tau])
    energy_new, work, iw_diss = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    c0, v0, alpha_c = (ours_layout(getattr(vs, n)) for n in ("c0", "v0", "alpha_c"))
    idemix_vertical_step(
        backend, grid.box2(),
        energy, ours_layout(forcing), ours_layout(vs.forc_iw_bottom),
        ours_layout(vs.forc_iw_surface), c0, alpha_c, ours_layout(vs.kbot), vs.dzt, vs.dzw,
        s.dt_tracer, s.tau_v, work, energy_new, iw_diss,
    )  # fmt: skip
    if lateral:
        backend.launch(
            KI.idemix_lateral_propagation, grid.box(),
            energy, v0, ours_layout(vs.maskU), ours_layout(vs.maskV), ours_layout(vs.maskW),
            vs.dxt, vs.dxu, vs.dyt, vs.dyu, vs.cost, vs.cosu, s.tau_h, s.dt_tracer, energy_new,
        )  # fmt: skip
    for ours, veros in [(energy_new, theirs.E_iw[..., vs.taup1]), (iw_diss, theirs.iw_diss)]:
        difference = relative_difference(interior(pair.as_veros(ours)), interior(veros))
        assert difference <= ROUTINE_TOLERANCE, difference


def test_tke_coefficients_with_idemix(pair):
    """The Richardson number limited by the wave energy, kappaM N^2 / (alpha_c E_iw^2)."""
    from test_compare_tke import our_diffusivities, random_turbulence
    from veros.core import idemix, tke

    random_turbulence(pair, seed=33)
    random_waves(pair, seed=34)
    with pair.vs.unlock():
        pair.vs.update(idemix.set_idemix_parameter(pair.veros))
    theirs = tke.set_tke_diffusivities_kernel(pair.veros)
    ours = our_diffusivities(pair)
    for name in ("kappaH", "Prandtlnumber"):
        difference = relative_difference(
            interior(pair.as_veros(ours[name])), interior(getattr(theirs, name))
        )
        assert difference <= ROUTINE_TOLERANCE, (name, difference)
    # the limit was active somewhere: without it the Prandtl numbers differ
    with pair.veros.settings.unlock():
        pair.veros.settings.enable_idemix = False
    unlimited = tke.set_tke_diffusivities_kernel(pair.veros).Prandtlnumber
    with pair.veros.settings.unlock():
        pair.veros.settings.enable_idemix = True
    assert not np.allclose(interior(unlimited), interior(theirs.Prandtlnumber))

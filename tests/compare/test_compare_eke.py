"""The EKE closure against Veros (eke.set_eke_diffusivities_kernel and
eke.integrate_eke_kernel) on the ACC grid, given the same E, N^2 and energy transfers.

Target: 1e-10 relative per routine (max |ours - Veros| / max |Veros|) on the interior.
"""

import numpy as np
import pytest
from veros_pair import acc_pair, interior, ours_layout, relative_difference

from ocean.backends import get_backend
from ocean.dynamics.eddy_energy import eke_vertical_step
from ocean.kernels import eke as KEKE
from ocean.kernels import energy as KEN

ROUTINE_TOLERANCE = 1e-10
#: Veros's EKE forcing without enable_store_cabbeling_heat, with sign
TRANSFERS = {
    "K_diss_gm": 1.0, "K_diss_h": 1.0, "P_diss_skew": -1.0, "P_diss_hmix": -1.0,
    "P_diss_iso": -1.0,
}  # fmt: skip
ACC_EKE = {"eke_k_max": 1e4, "eke_c_k": 0.4, "eke_c_eps": 0.5, "eke_cross": 2.0,
           "eke_crhin": 1.0, "eke_lmin": 100.0}  # fmt: skip


@pytest.fixture(scope="module")
def pair():
    pair = acc_pair(nx=8, ny=42, enable_idemix=False)
    with pair.veros.settings.unlock():
        pair.veros.settings.enable_store_cabbeling_heat = False
        pair.veros.settings.enable_eke_superbee_advection = False
    return pair


def random_eddies(pair, seed):
    """E mostly 1e-5..1e-1 m2 s-2 (some negative), N^2 of both signs, transfers >= 0."""
    from veros.core.operators import at, update

    rng = np.random.default_rng(seed)
    vs = pair.vs
    shape = vs.eke.shape[:3]
    eke = 10.0 ** rng.uniform(-5, -1, shape) * np.where(rng.random(shape) > 0.05, 1.0, -0.01)
    with vs.unlock():
        vs.eke = update(vs.eke, at[..., vs.tau], eke)
        vs.eke = update(vs.eke, at[..., vs.taup1], 0.0)
        vs.Nsqr = update(vs.Nsqr, at[..., vs.tau], rng.normal(3e-6, 3e-6, shape))
        vs.kappaM = 10.0 ** rng.uniform(-4, -1, shape)
        for name in TRANSFERS:
            setattr(vs, name, 10.0 ** rng.uniform(-11, -8, shape))


def our_diffusivities(pair, isopycnal):
    vs, s = pair.vs, pair.veros.settings
    shape = vs.eke.shape[:3][::-1]
    out = {name: np.zeros(shape) for name in ("L_rhines", "sqrteke", "eke_len", "K_gm", "K_iso")}
    out["L_rossby"] = np.zeros(shape[1:])
    backend, beta = get_backend("cpu"), ours_layout(vs.beta)
    backend.launch(
        KEKE.eke_rossby_radius, pair.ours.grid.box2(),
        ours_layout(vs.Nsqr[..., vs.tau]), ours_layout(vs.maskW), vs.dzw,
        ours_layout(vs.coriolis_t), beta, out["L_rossby"],
    )  # fmt: skip
    backend.launch(
        KEKE.eke_diffusivities, pair.ours.grid.box(),
        ours_layout(vs.eke[..., vs.tau]), beta, s.eke_lmin, s.eke_cross, s.eke_crhin,
        s.eke_c_k, s.eke_k_max, isopycnal, s.K_iso_0, out["L_rossby"], out["L_rhines"],
        out["sqrteke"], out["eke_len"], out["K_gm"], out["K_iso"],
    )  # fmt: skip
    return out


def test_settings_are_the_acc_benchmarks(pair):
    s = pair.veros.settings
    for name, value in ACC_EKE.items():
        assert getattr(s, name) == value, name
    assert s.enable_eke and s.enable_eke_isopycnal_diffusion


@pytest.mark.parametrize("isopycnal", [True, False])
def test_eke_diffusivities(pair, isopycnal):
    from veros.core import eke

    with pair.veros.settings.unlock():
        pair.veros.settings.enable_eke_isopycnal_diffusion = isopycnal
    random_eddies(pair, seed=51)
    theirs = eke.set_eke_diffusivities_kernel(pair.veros)
    ours = our_diffusivities(pair, isopycnal)
    for name, values in ours.items():
        difference = relative_difference(
            interior(pair.as_veros(values)), interior(getattr(theirs, name))
        )
        assert difference <= ROUTINE_TOLERANCE, (name, difference)
    # the length scale's bounds all bind somewhere: the floor, Rossby and Rhines
    length = interior(theirs.eke_len)
    assert (length == 100.0).any() and (length > 100.0).any()
    assert (interior(theirs.K_gm) < 1e4).any()


def test_eke_step(pair):
    from veros.core import eke

    random_eddies(pair, seed=52)
    vs, s = pair.vs, pair.veros.settings
    with vs.unlock():
        vs.update(eke.set_eke_diffusivities_kernel(pair.veros))
    theirs = eke.integrate_eke_kernel(pair.veros)

    grid, backend = pair.ours.grid, get_backend("cpu")
    shape = vs.eke.shape[:3][::-1]
    forcing = sum(sign * getattr(vs, name) for name, sign in TRANSFERS.items())
    energy = ours_layout(vs.eke[..., vs.tau])
    energy_new, eke_diss = np.zeros(shape), np.zeros(shape)
    eke_vertical_step(
        backend, grid.box2(),
        energy, ours_layout(forcing), np.zeros(shape), np.zeros(shape[1:]),
        ours_layout(vs.kappaM), ours_layout(vs.sqrteke), ours_layout(vs.eke_len),
        ours_layout(vs.maskW), ours_layout(vs.kbot), vs.dzt, vs.dzw, s.dt_tracer, s.alpha_eke,
        s.eke_c_eps, np.zeros(shape), energy_new, eke_diss,
    )  # fmt: skip
    backend.launch(
        KEKE.eke_lateral_diffusion, grid.box(),
        energy, ours_layout(vs.K_gm), ours_layout(vs.maskU), ours_layout(vs.maskV),
        ours_layout(vs.maskW), vs.dxt, vs.dxu, vs.dyt, vs.dyu, vs.cost, vs.cosu, s.dt_tracer,
        energy_new,
    )  # fmt: skip
    for ours, veros in [(energy_new, theirs.eke[..., vs.taup1]), (eke_diss, theirs.eke_diss_iw)]:
        difference = relative_difference(interior(pair.as_veros(ours)), interior(veros))
        assert difference <= ROUTINE_TOLERANCE, difference


def test_harmonic_friction_dissipation():
    """K_diss_h of Veros's harmonic_friction (cos-scaled A_h as in the ACC, free slip) from
    the same u, v at tau, on the W grid and averaged to T points."""
    from veros.core import friction
    from veros.core.operators import at, update

    pair = acc_pair(nx=8, ny=42)  # Veros's default energy-conserving path
    vs = pair.vs
    rng = np.random.default_rng(53)
    shape = vs.u.shape[:3]
    with vs.unlock():
        vs.u = update(vs.u, at[..., vs.tau], rng.normal(0.0, 0.1, shape) * vs.maskU)
        vs.v = update(vs.v, at[..., vs.tau], rng.normal(0.0, 0.1, shape) * vs.maskV)
    theirs = friction.harmonic_friction(pair.veros).K_diss_h

    grid, backend = pair.ours.grid, get_backend("cpu")
    ours_shape = shape[::-1]
    diss_u, diss_v, K_diss_h = (np.zeros(ours_shape) for _ in range(3))
    backend.launch(
        KEN.harmonic_friction_dissipation, grid.box(1),
        ours_layout(vs.u[..., vs.tau]), ours_layout(vs.v[..., vs.tau]), ours_layout(vs.maskU),
        ours_layout(vs.maskV), *pair.ours.momentum.harm, vs.dxt, vs.dxu, vs.dyt, vs.dyu,
        vs.cost, vs.cosu, diss_u, diss_v,
    )  # fmt: skip
    backend.launch(
        KEN.friction_dissipation_on_tgrid, grid.box2(),
        diss_u, diss_v, ours_layout(vs.kbot), vs.dzw, vs.dxt, vs.dxu, ours_layout(vs.area_t),
        ours_layout(vs.area_v), K_diss_h,
    )  # fmt: skip
    difference = relative_difference(interior(pair.as_veros(K_diss_h)), interior(theirs))
    assert difference <= ROUTINE_TOLERANCE, difference

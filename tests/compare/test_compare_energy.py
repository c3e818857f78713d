"""Veros's energy-conserving path (enable_conserve_energy = True) against ours, routine by
routine on the ACC grid, given the same inputs: bottom friction's K_diss_bot
(friction.linear_bottom_friction, quadratic_bottom_friction), the dynamic enthalpy and
its integrals (thermodynamics.calc_eq_of_state), P_diss_adv
(thermodynamics.advect_temp_salt_enthalpy), P_diss_v and P_diss_nonlin
(thermodynamics.diag_P_diss_v), and the TKE and IDEMIX forcing they make
(tke.integrate_tke_kernel, idemix.integrate_idemix_kernel).

Target: 1e-10 relative per routine (max |ours - Veros| / max |Veros|) on the interior.
"""

import numpy as np
import pytest
from veros_pair import acc_pair, interior, ours_layout, relative_difference

from ocean.backends import get_backend
from ocean.dynamics.internal_waves import idemix_vertical_step
from ocean.dynamics.tracers import EOS_TYPES, VEROS_TYPES
from ocean.dynamics.turbulence import tke_vertical_step
from ocean.kernels import advection as KA
from ocean.kernels import energy as KEN
from ocean.kernels import enthalpy as KH

ROUTINE_TOLERANCE = 1e-10


@pytest.fixture(scope="module")
def pair():
    pair = acc_pair(nx=8, ny=42, enable_idemix=True)
    assert pair.veros.settings.enable_conserve_energy  # Veros's default
    return pair


def ours(pair, array):
    return ours_layout(np.asarray(array))


def compare(pair, mine, theirs, what):
    difference = relative_difference(interior(pair.as_veros(mine)), interior(theirs))
    assert difference <= ROUTINE_TOLERANCE, (what, difference)
    return difference


def random_ocean(pair, seed, level):
    """temp 0..25 degC, salt 33..37 g/kg, u, v, w of ~0.1 m/s at ``level`` (masked)."""
    from veros.core.operators import at, update

    rng = np.random.default_rng(seed)
    vs = pair.vs
    shape = vs.temp.shape[:3]
    with vs.unlock():
        vs.temp = update(vs.temp, at[..., level], rng.uniform(0.0, 25.0, shape) * vs.maskT)
        vs.salt = update(vs.salt, at[..., level], rng.uniform(33.0, 37.0, shape) * vs.maskT)
        vs.u = update(vs.u, at[..., level], rng.normal(0.0, 0.1, shape) * vs.maskU)
        vs.v = update(vs.v, at[..., level], rng.normal(0.0, 0.1, shape) * vs.maskV)
        vs.w = update(vs.w, at[..., level], rng.normal(0.0, 1e-4, shape) * vs.maskW)
    return rng


@pytest.mark.parametrize("drag", ["linear", "quadratic", "both"])
def test_bottom_friction_dissipation(pair, drag):
    from veros.core import friction

    vs, s = pair.vs, pair.veros.settings
    random_ocean(pair, seed=61, level=vs.tau)
    r_bot = 1e-5 if drag != "quadratic" else 0.0
    r_quad = 2e-3 if drag != "linear" else 0.0
    with s.unlock():
        s.r_bot, s.r_quad_bot = r_bot, r_quad
    with vs.unlock():
        vs.K_diss_bot = 0.0 * vs.K_diss_bot
        if r_bot:
            vs.update(friction.linear_bottom_friction(pair.veros))
        if r_quad:
            vs.update(friction.quadratic_bottom_friction(pair.veros))
    shape = vs.u.shape[:3][::-1]
    diss_u, diss_v, K_diss_bot = (np.zeros(shape) for _ in range(3))
    grid, backend = pair.ours.grid, get_backend("cpu")
    backend.launch(
        KEN.bottom_friction_dissipation, grid.box(1),
        ours(pair, vs.u[..., vs.tau]), ours(pair, vs.v[..., vs.tau]), ours(pair, vs.kbot),
        ours(pair, vs.maskU), ours(pair, vs.maskV), vs.dzt, r_bot, r_quad, diss_u, diss_v,
    )  # fmt: skip
    backend.launch(
        KEN.friction_dissipation_on_tgrid, grid.box2(),
        diss_u, diss_v, ours(pair, vs.kbot), vs.dzw, vs.dxt, vs.dxu, ours(pair, vs.area_t),
        ours(pair, vs.area_v), K_diss_bot,
    )  # fmt: skip
    compare(pair, K_diss_bot, vs.K_diss_bot, "K_diss_bot")


def our_enthalpy(pair, eos, level):
    """Hd, int_drhodT, int_drhodS of the kernel the model launches for them (with rho and
    N^2, which this leaves out)."""
    vs, s = pair.vs, pair.veros.settings
    shape = vs.temp.shape[:3][::-1]
    out = [np.zeros(shape) for _ in range(5)]
    get_backend("cpu").launch(
        KH.state_and_enthalpy, pair.ours.grid.box(),
        EOS_TYPES[eos], ours(pair, vs.temp[..., level]), ours(pair, vs.salt[..., level]),
        ours(pair, vs.maskT), ours(pair, vs.maskW), vs.zt, vs.dzw, s.grav, s.rho_0, *out,
    )  # fmt: skip
    return out[2:]


def veros_eos(pair, eos):
    with pair.veros.settings.unlock():
        pair.veros.settings.eq_of_state_type = VEROS_TYPES[eos]


@pytest.mark.parametrize("eos", list(EOS_TYPES))
def test_dynamic_enthalpy_and_integrals(pair, eos):
    from veros.core import thermodynamics

    vs = pair.vs
    veros_eos(pair, eos)
    random_ocean(pair, seed=62, level=vs.tau)
    theirs = thermodynamics.calc_eq_of_state(pair.veros, vs.tau)
    names = ("Hd", "int_drhodT", "int_drhodS")
    for name, mine in zip(names, our_enthalpy(pair, eos, vs.tau), strict=True):
        veros = getattr(theirs, name)[..., vs.tau]
        if eos == "quadratic_temperature_only" and name == "int_drhodS":
            assert not np.any(interior(mine)) and not np.any(interior(veros))
            continue
        # land (S = 0): Veros's TEOS-10 integrals clamp S_A at 0.1 g/kg, ours at 0; no
        # routine reads them there
        wet = np.asarray(vs.maskT)
        compare(pair, mine * ours(pair, wet), np.asarray(veros) * wet, f"{eos} {name}")
    veros_eos(pair, "nonlinear_vallis")


@pytest.mark.parametrize("superbee", [False, True])
def test_advection_dissipation(pair, superbee):
    """P_diss_adv: Veros's W-grid dissipation of advection, spread over the turbulent
    boxes (E > 0 below the top, every top box) as their domain mean."""
    from veros.core import thermodynamics
    from veros.core.operators import at, update

    vs, s = pair.vs, pair.veros.settings
    veros_eos(pair, "nonlinear_vallis")
    with s.unlock():
        s.enable_superbee_advection = superbee
    rng = random_ocean(pair, seed=63, level=vs.tau)
    shape = vs.tke.shape[:3]
    with vs.unlock():
        vs.update(thermodynamics.calc_eq_of_state(pair.veros, vs.tau))
        turbulence = 10.0 ** rng.uniform(-6, -3, shape) * (rng.random(shape) > 0.3)
        vs.tke = update(vs.tke, at[..., vs.tau], turbulence)
    theirs = thermodynamics.advect_temp_salt_enthalpy(pair.veros)

    grid, backend = pair.ours.grid, get_backend("cpu")
    ours_shape = shape[::-1]
    scheme = 1 if superbee else 0
    velocity = [ours(pair, getattr(vs, n)[..., vs.tau]) for n in ("u", "v", "w")]
    masks = [ours(pair, getattr(vs, n)) for n in ("maskT", "maskU", "maskV", "maskW")]
    tendencies = {}
    for name in ("temp", "salt", "Hd"):
        tendencies[name] = np.zeros(ours_shape)
        backend.launch(
            KA.tracer_advection, grid.box(),
            ours(pair, getattr(vs, name)[..., vs.tau]), *velocity, *masks, vs.dxt, vs.dyt,
            vs.dzt, vs.cost, vs.cosu, s.dt_tracer, scheme, tendencies[name],
        )  # fmt: skip
    compare(pair, tendencies["temp"], theirs.dtemp[..., vs.tau], "dtemp")
    diss, P_diss_adv, active = (np.zeros(ours_shape) for _ in range(3))
    backend.launch(
        KH.advection_dissipation, grid.box(),
        ours(pair, vs.int_drhodT[..., vs.tau]), ours(pair, vs.int_drhodS[..., vs.tau]),
        tendencies["temp"], tendencies["salt"], tendencies["Hd"], velocity[2],
        ours(pair, vs.rho[..., vs.tau]), vs.dzt, vs.dzw, s.grav, s.rho_0, diss,
    )  # fmt: skip
    backend.launch(KH.dissipation_on_wgrid, grid.box2(), diss, ours(pair, vs.kbot), vs.dzw,
                   P_diss_adv)  # fmt: skip
    backend.launch(KH.turbulent_boxes, grid.box(), ours(pair, vs.tke[..., vs.tau]), active)
    volume = masks[3] * vs.dzw[:, None, None] * ours(pair, vs.area_t)[None]
    volume[-1] *= 0.5
    box = grid.box()
    mean = backend.weighted_sum(P_diss_adv, volume, box) / backend.weighted_sum(active, volume, box)
    backend.launch(KH.spread_dissipation, grid.box(), active, mean, P_diss_adv)
    compare(pair, P_diss_adv, theirs.P_diss_adv, "P_diss_adv")
    # the spreading saw both kinds of box
    assert 0.0 < np.mean(interior(np.asarray(theirs.P_diss_adv))[..., :-1] == 0.0) < 1.0


@pytest.mark.parametrize("eos", ["nonlinear_vallis", "teos10"])
def test_vertical_mixing_dissipation(pair, eos):
    """P_diss_v (kappaH N^2; the surface flux's with int_drho at the top) and P_diss_nonlin
    (the rest of vertical mixing's dissipation) from the new T, S."""
    from veros.core import thermodynamics

    vs, s = pair.vs, pair.veros.settings
    veros_eos(pair, eos)
    rng = random_ocean(pair, seed=64, level=vs.taup1)
    columns = vs.temp.shape[:2]
    with vs.unlock():
        vs.update(thermodynamics.calc_eq_of_state(pair.veros, vs.taup1))
        vs.kappaH = 10.0 ** rng.uniform(-5, -2, vs.kappaH.shape)
        vs.forc_temp_surface = rng.normal(0.0, 1e-5, columns)
        vs.forc_salt_surface = rng.normal(0.0, 1e-6, columns)
    theirs = thermodynamics.diag_P_diss_v(pair.veros)

    shape = vs.temp.shape[:3][::-1]
    P_diss_v, P_diss_nonlin = np.zeros(shape), np.zeros(shape)
    no_forcing = np.zeros(shape[1:])
    forcing = []
    for name, flux in (("temp", vs.forc_temp_surface), ("salt", vs.forc_salt_surface)):
        forcing += [ours(pair, getattr(vs, name)[..., vs.tau]), no_forcing, no_forcing]
        forcing.append(ours(pair, flux))
    level = vs.taup1
    get_backend("cpu").launch(
        KH.vertical_mixing_dissipation, pair.ours.grid.box(),
        ours(pair, vs.kappaH), ours(pair, vs.Nsqr[..., level]), ours(pair, vs.temp[..., level]),
        ours(pair, vs.salt[..., level]), ours(pair, vs.int_drhodT[..., level]),
        ours(pair, vs.int_drhodS[..., level]), ours(pair, vs.maskW), vs.dzw, *forcing,
        s.grav, s.rho_0, P_diss_v, P_diss_nonlin,
    )  # fmt: skip
    compare(pair, P_diss_v, theirs.P_diss_v, "P_diss_v")
    compare(pair, P_diss_nonlin, theirs.P_diss_nonlin, "P_diss_nonlin")
    veros_eos(pair, "nonlinear_vallis")


TKE_TRANSFERS = ("K_diss_v", "P_diss_v", "P_diss_adv", "P_diss_nonlin", "iw_diss",
                 "eke_diss_iw", "K_diss_bot")  # fmt: skip


@pytest.mark.parametrize(
    "idemix, store_bottom", [(False, False), (True, False), (True, True)]
)  # fmt: skip
def test_tke_forcing(pair, idemix, store_bottom):
    """E at tau+1 from Veros's integrate_tke_kernel and from tke_energy_input +
    tke_vertical_step, with EKE on: every transfer of the energy-conserving path."""
    from test_compare_tke import random_turbulence
    from veros.core import tke

    vs, s = pair.vs, pair.veros.settings
    with s.unlock():
        s.enable_idemix, s.enable_eke = idemix, True
        s.enable_store_bottom_friction_tke = store_bottom
        s.enable_store_cabbeling_heat = False
        s.enable_tke_hor_diffusion = False
        s.enable_tke_superbee_advection = False
    random_turbulence(pair, seed=65)
    rng = np.random.default_rng(66)
    with vs.unlock():
        for name in TKE_TRANSFERS:
            setattr(vs, name, 10.0 ** rng.uniform(-10, -7, vs.tke.shape[:3]))
        vs.update(tke.set_tke_diffusivities_kernel(pair.veros))
    theirs = tke.integrate_tke_kernel(pair.veros)

    shape = vs.tke.shape[:3][::-1]
    forcing, tke_new, diss, work = (np.zeros(shape) for _ in range(4))
    correction = np.zeros(shape[1:])
    transfer = ours(pair, vs.iw_diss if idemix else vs.eke_diss_iw)
    bottom = store_bottom or not idemix
    grid, backend = pair.ours.grid, get_backend("cpu")
    backend.launch(
        KEN.tke_energy_input, grid.box(),
        *(ours(pair, getattr(vs, n)) for n in ("K_diss_v", "P_diss_v", "P_diss_adv",
                                                "P_diss_nonlin")),
        transfer, ours(pair, vs.K_diss_bot), bottom, forcing,
    )  # fmt: skip
    zero = np.zeros(shape)
    tke_vertical_step(
        backend, grid.box2(),
        ours(pair, vs.tke[..., vs.tau]), forcing, zero, zero, ours(pair, vs.forc_tke_surface),
        ours(pair, vs.kappaM), ours(pair, vs.sqrttke), ours(pair, vs.mxl), ours(pair, vs.kbot),
        vs.dzt, vs.dzw, s.dt_mom, s.alpha_tke, s.c_eps, work, tke_new, diss, correction,
    )  # fmt: skip
    compare(pair, tke_new, theirs.tke[..., vs.taup1], "tke")
    with s.unlock():
        s.enable_idemix = True


@pytest.mark.parametrize(
    "placement, store_bottom",
    [("local", False), ("bottom", False), ("surfbot", False), ("surfbot", True)],
)
def test_idemix_forcing(pair, placement, store_bottom):
    """E_iw at tau+1 and iw_diss from Veros's integrate_idemix_kernel and from
    internal_wave_energy_input + idemix_vertical_step: EKE's dissipation where it occurs or
    re-injected (enable_eke_diss_bottom / surfbot, the ACC benchmark's frac 0.2), and
    bottom friction's."""
    from test_compare_idemix import random_waves
    from veros.core import idemix

    vs, s = pair.vs, pair.veros.settings
    with s.unlock():
        s.enable_idemix, s.enable_eke = True, True
        s.enable_eke_diss_bottom = placement == "bottom"
        s.enable_eke_diss_surfbot = placement == "surfbot"
        s.eke_diss_surfbot_frac = 0.2
        s.enable_store_bottom_friction_tke = store_bottom
        s.enable_idemix_hor_diffusion = False
    random_waves(pair, seed=67)
    rng = np.random.default_rng(68)
    with vs.unlock():
        vs.eke_diss_iw = 10.0 ** rng.uniform(-10, -8, vs.E_iw.shape[:3]) * vs.maskW
        vs.K_diss_bot = 10.0 ** rng.uniform(-10, -8, vs.E_iw.shape[:3])
        vs.update(idemix.set_idemix_parameter(pair.veros))
    theirs = idemix.integrate_idemix_kernel(pair.veros)

    shape = vs.E_iw.shape[:3][::-1]
    forcing, energy_new, work, iw_diss = (np.zeros(shape) for _ in range(4))
    code = {"local": KEN.EKE_DISS_LOCAL, "bottom": KEN.EKE_DISS_BOTTOM,
            "surfbot": KEN.EKE_DISS_SURFBOT}[placement]  # fmt: skip
    grid, backend = pair.ours.grid, get_backend("cpu")
    backend.launch(
        KEN.internal_wave_energy_input, grid.box2(),
        ours(pair, vs.eke_diss_iw), code, 0.2, ours(pair, vs.K_diss_bot), not store_bottom,
        ours(pair, vs.maskW), ours(pair, vs.kbot), vs.dzw, np.zeros(shape[1:]), forcing,
    )  # fmt: skip
    idemix_vertical_step(
        backend, grid.box2(),
        ours(pair, vs.E_iw[..., vs.tau]), forcing, ours(pair, vs.forc_iw_bottom),
        ours(pair, vs.forc_iw_surface), ours(pair, vs.c0), ours(pair, vs.alpha_c),
        ours(pair, vs.kbot), vs.dzt, vs.dzw, s.dt_tracer, s.tau_v, work, energy_new, iw_diss,
    )  # fmt: skip
    compare(pair, energy_new, theirs.E_iw[..., vs.taup1], "E_iw")
    compare(pair, iw_diss, theirs.iw_diss, "iw_diss")

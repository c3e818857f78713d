"""Isoneutral diffusion and the GM skew flux against Veros (isoneutral_diffusion_pre and
isoneutral_diffusion_kernel), from the same temperature and salinity on the ACC grid.

The state is the ACC's stratification with noise of a few kelvin and 0.5 g/kg, so that
the slopes cover the taper's whole range (untapered, tapered, removed) and some columns
are unstable. K_iso and K_gm vary in space (as EKE makes them). Target: 1e-10 relative
per routine (max |ours - Veros| / max |Veros|) on the cells Veros computes.
"""

import numpy as np
import pytest
from veros_pair import acc_pair, interior, ours_layout, relative_difference

from ocean.backends import get_backend
from ocean.dynamics.implicit import solve_vertical_diffusion
from ocean.dynamics.isoneutral import lateral_tensor
from ocean.dynamics.tracers import EOS_TYPES
from ocean.kernels import energy as KE
from ocean.kernels import isoneutral as KI

ROUTINE_TOLERANCE = 1e-10
#: Veros's triad arrays: whether each is a top face's, the direction (our lateral face
#: whose triads it is made of), and the part of Veros's index space it computes (its halo
#: is 2 cells: east faces from the western halo's face on)
TRIADS = {
    "Ai_ez": (False, KI.EAST, np.s_[1:-2, 2:-2]),
    "Ai_nz": (False, KI.NORTH, np.s_[2:-2, 1:-2]),
    "Ai_bx": (True, KI.EAST, np.s_[2:-2, 2:-2]),
    "Ai_by": (True, KI.NORTH, np.s_[2:-2, 2:-2]),
}
DIAGONAL = {"K_11": (0, np.s_[1:-2, 2:-2]), "K_22": (1, np.s_[2:-2, 1:-2]), "K_33": (2, None)}


@pytest.fixture(scope="module", params=["nonlinear_vallis", "teos10"])
def pair(request):
    return acc_pair(nx=8, ny=42, eq_of_state=request.param, enable_conserve_energy=False)


def random_state(pair, seed):
    from veros.core.operators import at, update

    rng = np.random.default_rng(seed)
    vs = pair.vs
    shape = vs.temp.shape[:3]
    with vs.unlock():
        temp = vs.temp[..., vs.tau] + rng.uniform(-3.0, 3.0, shape) * vs.maskT
        salt = vs.salt[..., vs.tau] + rng.uniform(-0.5, 0.5, shape) * vs.maskT
        for level in range(3):
            vs.temp = update(vs.temp, at[..., level], temp)
            vs.salt = update(vs.salt, at[..., level], salt)
        vs.K_iso = rng.uniform(500.0, 1500.0, shape)
        vs.K_gm = rng.uniform(500.0, 1500.0, shape)


def our_tensor(pair):
    vs, s = pair.vs, pair.veros.settings
    grid, backend = pair.ours.grid, get_backend("cpu")
    shape = vs.temp.shape[:3][::-1]
    temp, salt = (ours_layout(getattr(vs, n)[..., vs.tau]) for n in ("temp", "salt"))
    gradients = tuple(np.zeros(shape) for _ in range(4))
    K_iso, maskW = ours_layout(vs.K_iso), ours_layout(vs.maskW)
    backend.launch(
        KI.density_derivatives_at_t, grid.box(grid.h),
        EOS_TYPES[pair.ours.settings.eq_of_state], temp, salt, ours_layout(vs.maskT), maskW,
        vs.zt, vs.dzw, *gradients,
    )  # fmt: skip
    triads, diagonal = np.zeros((2, 4) + shape), np.zeros((3,) + shape)
    steepness = np.zeros((2, 4) + shape)
    lateral_tensor(
        backend, KI.lateral_box(grid.box(1)),
        temp, salt, gradients, K_iso, ours_layout(vs.maskU), ours_layout(vs.maskV), vs.dxu,
        vs.dyu, vs.dzt, vs.dzw, vs.cost, s.K_iso_steep, s.iso_slopec, s.iso_dslope, triads,
        diagonal, steepness,
    )  # fmt: skip
    backend.launch(
        KI.isoneutral_tensor_top, grid.box(1),
        K_iso, maskW, vs.dxt, vs.dxu, vs.dyt, vs.dyu, vs.cost, vs.cosu, steepness,
        diagonal,
    )  # fmt: skip
    return triads, diagonal


def top_triads(triads, maskW, face):
    """The top faces' triads [ip * 2 + kr, k, j, i] in the direction of ``face``, as the
    flux kernel reads them (``isoneutral.top_triad``): the lateral triad 3 - n of the face
    west (south) of the T cell above or below, times maskW; 0 at the surface (edges wrap:
    compared on the interior only)."""
    axis = 2 if face == KI.EAST else 1
    top = np.zeros(triads.shape[1:])
    for ip in range(2):
        for kr in range(2):
            n = ip * 2 + kr
            across = np.roll(triads[face, 3 - n], 1 - ip, axis=axis)  # face i - 1 + ip
            top[n, :-1] = across[kr : kr + top.shape[1] - 1] * maskW[:-1]
    return top


def triads_as_veros(pair, triads, face):
    """ours [ip * 2 + kr, k, j, i] as Veros's [i, j, k, ip, kr]."""
    veros = pair.as_veros(triads[face])  # [i, j, ip * 2 + kr, k]
    nx, ny, _, nz = veros.shape
    return np.moveaxis(veros.reshape(nx, ny, 2, 2, nz), 4, 2)


def test_settings_are_the_acc_benchmarks(pair):
    s = pair.veros.settings
    assert (s.K_iso_steep, s.iso_slopec, s.iso_dslope) == (500.0, 0.01, 0.005)
    assert s.enable_neutral_diffusion and s.enable_skew_diffusion


def test_isoneutral_tensor(pair):
    from veros.core import isoneutral

    random_state(pair, seed=41)
    theirs = isoneutral.isoneutral_diffusion_pre(pair.veros)
    triads, diagonal = our_tensor(pair)
    maskW = ours_layout(pair.vs.maskW)
    for name, (on_top, face, cells) in TRIADS.items():
        kinds = np.stack([top_triads(triads, maskW, f) for f in (0, 1)]) if on_top else triads
        ours = triads_as_veros(pair, kinds, face)[cells]
        difference = relative_difference(ours, getattr(theirs, name)[cells])
        assert difference <= ROUTINE_TOLERANCE, (name, difference)
    for name, (n, cells) in DIAGONAL.items():
        cells = cells or np.s_[2:-2, 2:-2]
        ours = pair.as_veros(diagonal[n])[cells]
        difference = relative_difference(ours, getattr(theirs, name)[cells])
        assert difference <= ROUTINE_TOLERANCE, (name, difference)
    # the noise reached every branch of the taper: slopes kept whole (|S| well below
    # iso_slopec), tapered (|taper S| near it) and removed (0 on wet faces)
    wet = np.broadcast_to(pair.vs.maskU[1:-2, 2:-2, :, None, None], theirs.Ai_ez[1:-2, 2:-2].shape)
    wet = wet.copy()
    wet[:, :, 0, :, 0] = 0  # no W face below the bottom level: 0 by construction
    slopes = np.abs(theirs.Ai_ez[1:-2, 2:-2])[wet > 0]
    slopec = pair.veros.settings.iso_slopec
    assert (slopes == 0).any() and (slopes < 0.1 * slopec).any() and (slopes > 0.5 * slopec).any()


def our_tracer_step(pair, name, triads, diagonal, int_drho=None, P_diss=None):
    """Iso explicit, iso implicit (K_33), skew explicit on ``name`` at tau+1, as Veros
    calls them; returns the tracer after the iso part and after the skew part. With
    ``int_drho``, each pass's dissipation is added to P_diss["iso"] or P_diss["skew"]."""
    vs, s = pair.vs, pair.veros.settings
    grid, backend = pair.ours.grid, get_backend("cpu")
    shape = vs.temp.shape[:3][::-1]
    tracer = ours_layout(getattr(vs, name)[..., vs.tau])
    new = ours_layout(getattr(vs, name)[..., vs.taup1])
    fluxes = [np.zeros(shape) for _ in range(3)]
    skew_fluxes = [np.zeros(shape) for _ in range(3)]
    metrics = (vs.dxt, vs.dxu, vs.dyt, vs.dyu, vs.dzt, vs.cost, vs.cosu)
    K_iso, K_gm = ours_layout(vs.K_iso), ours_layout(vs.K_gm)
    backend.launch(
        KI.isoneutral_fluxes, grid.box(1),
        tracer, K_iso, K_gm, True, triads, diagonal, ours_layout(vs.maskW), *metrics, *fluxes,
        *skew_fluxes,
    )  # fmt: skip
    after = []
    for iso, flux in ((True, fluxes), (False, skew_fluxes)):
        backend.launch(
            KI.isoneutral_update, grid.box(),
            *flux, ours_layout(vs.maskT), vs.dxt, vs.dyt, vs.dzt, vs.cost, s.dt_tracer, new,
        )  # fmt: skip
        if iso:
            delta = np.zeros(shape)
            backend.launch(
                KI.isoneutral_vertical_delta, grid.box(), diagonal, vs.dzw, s.dt_tracer, delta
            )
            solve_vertical_diffusion(
                backend, grid.box2(), ours_layout(vs.kbot), vs.dzt, delta, new, np.zeros(shape),
                new,
            )  # fmt: skip
        if int_drho is not None:
            add_dissipation(pair, int_drho, flux, diagonal, new, iso, P_diss)
        after.append(new.copy())
    return after


def add_dissipation(pair, int_drho, fluxes, diagonal, new, iso, P_diss):
    vs, s = pair.vs, pair.veros.settings
    grid, backend = pair.ours.grid, get_backend("cpu")
    lateral = np.zeros(int_drho.shape)
    backend.launch(
        KE.lateral_flux_dissipation, grid.box(),
        int_drho, fluxes[0], fluxes[1], vs.dxt, vs.dyt, vs.cost, s.grav, s.rho_0, lateral,
    )  # fmt: skip
    backend.launch(
        KI.isoneutral_dissipation, grid.box(),
        int_drho, lateral, fluxes[2], diagonal, new, iso, ours_layout(vs.kbot),
        ours_layout(vs.maskW), vs.dzw, s.grav, s.rho_0, P_diss["iso" if iso else "skew"],
    )  # fmt: skip


@pytest.mark.parametrize("name", ["temp", "salt"])
def test_isoneutral_and_skew_diffusion(pair, name):
    from veros.core import isoneutral
    from veros.core.isoneutral.diffusion import isoneutral_diffusion_kernel
    from veros.core.operators import at, update

    random_state(pair, seed=42)
    vs = pair.vs
    with vs.unlock():
        vs.update(isoneutral.isoneutral_diffusion_pre(pair.veros))
        # tau+1 holds the tracer after advection and lateral diffusion: take another field
        shifted = getattr(vs, name)[..., vs.tau] * 0.999
        setattr(vs, name, update(getattr(vs, name), at[..., vs.taup1], shifted))
    triads, diagonal = our_tensor(pair)
    ours = our_tracer_step(pair, name, triads, diagonal)
    istemp = name == "temp"
    start = getattr(vs, name)[..., vs.taup1]
    with vs.unlock():
        for stage, iso in enumerate((True, False)):
            out = isoneutral_diffusion_kernel(pair.veros, getattr(vs, name), istemp, iso=iso)
            setattr(vs, name, getattr(out, name))
            theirs = interior(getattr(vs, name)[..., vs.taup1])
            difference = relative_difference(interior(pair.as_veros(ours[stage])), theirs)
            assert difference <= ROUTINE_TOLERANCE, (stage, difference)
            # each part changed the tracer: the comparison saw a diffusion, not a copy
            change = np.abs(theirs - interior(start)).max()
            assert change > 1e-6 * np.abs(theirs).max(), stage
            start = getattr(vs, name)[..., vs.taup1]


@pytest.fixture(scope="module", params=["nonlinear_vallis", "teos10"])
def energy_pair(request):
    """Veros on its energy-conserving path (its default), which diagnoses P_diss_iso and
    P_diss_skew."""
    return acc_pair(nx=8, ny=42, eq_of_state=request.param)


def our_integrals(pair):
    vs = pair.vs
    shape = vs.temp.shape[:3][::-1]
    integrals = np.zeros(shape), np.zeros(shape)
    get_backend("cpu").launch(
        KE.density_derivative_integrals, pair.ours.grid.box(pair.ours.grid.h),
        EOS_TYPES[pair.ours.settings.eq_of_state], ours_layout(vs.temp[..., vs.tau]),
        ours_layout(vs.salt[..., vs.tau]), vs.zt, *integrals,
    )  # fmt: skip
    return integrals


def test_density_derivative_integrals(energy_pair):
    """int_{-p}^0 d rho/d T dz' and d rho/d S: closed form for the Vallis EOS, Gauss-Legendre
    quadrature of TEOS-10's specific volume against Veros's analytic dynamic enthalpy."""
    from veros.core import density

    pair = energy_pair
    random_state(pair, seed=43)
    vs = pair.vs
    args = (vs.salt[..., vs.tau], vs.temp[..., vs.tau], np.abs(vs.zt))
    theirs = density.get_int_drhodT(pair.veros, *args), density.get_int_drhodS(pair.veros, *args)
    wet = interior(pair.vs.maskT) > 0
    for ours, veros in zip(our_integrals(pair), theirs, strict=True):
        veros = np.broadcast_to(veros, pair.vs.maskT.shape)  # Vallis's S part: p alone
        difference = relative_difference(interior(pair.as_veros(ours))[wet], interior(veros)[wet])
        assert difference <= ROUTINE_TOLERANCE, difference


def test_isoneutral_and_skew_dissipation(energy_pair):
    """P_diss_iso and P_diss_skew after Veros's whole isoneutral block (temp, salt; iso,
    then skew), from the same state and the same int_drhodT, int_drhodS at tau."""
    from veros.core import isoneutral
    from veros.core.isoneutral.diffusion import isoneutral_diffusion_kernel
    from veros.core.operators import at, update

    pair, vs = energy_pair, energy_pair.vs
    random_state(pair, seed=44)
    int_drhodT, int_drhodS = our_integrals(pair)
    with vs.unlock():
        vs.int_drhodT = update(vs.int_drhodT, at[..., vs.tau], pair.as_veros(int_drhodT))
        vs.int_drhodS = update(vs.int_drhodS, at[..., vs.tau], pair.as_veros(int_drhodS))
        vs.P_diss_iso = vs.P_diss_iso * 0.0
        vs.P_diss_skew = vs.P_diss_skew * 0.0
        vs.update(isoneutral.isoneutral_diffusion_pre(pair.veros))
    triads, diagonal = our_tensor(pair)
    P_diss = {"iso": np.zeros(int_drhodT.shape), "skew": np.zeros(int_drhodT.shape)}
    for name, integral in (("temp", int_drhodT), ("salt", int_drhodS)):
        our_tracer_step(pair, name, triads, diagonal, integral, P_diss)
    with vs.unlock():
        for iso in (True, False):
            for name, istemp in (("temp", True), ("salt", False)):
                out = isoneutral_diffusion_kernel(pair.veros, getattr(vs, name), istemp, iso=iso)
                vs.update(out)
    for part, veros in (("iso", vs.P_diss_iso), ("skew", vs.P_diss_skew)):
        difference = relative_difference(interior(pair.as_veros(P_diss[part])), interior(veros))
        assert difference <= ROUTINE_TOLERANCE, (part, difference)

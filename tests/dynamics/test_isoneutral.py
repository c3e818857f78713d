"""Isoneutral diffusion and the GM skew flux in the model step (ocean/dynamics/isoneutral.py)
on a closed basin with a sloping front and the water at rest.

Routine parity with Veros is in tests/compare/test_compare_isoneutral.py; here: the
tracers' contents are conserved, a passive tracer's variance only decreases, a tracer
that alone sets the density feels no diapycnal flux, the GM skew flux lowers the centre
of mass (releases potential energy), and bad settings are refused.
"""

import numpy as np
import pytest

from ocean import Model, Setup
from ocean.errors import SetupError
from ocean.kernels import isoneutral as KI

NX, NY, NZ = 10, 8, 6
#: float64 round-off of sums over the basin, relative to the content (as
#: tests/physics/test_conservation.py): 1e-12 leaves a margin of ~100
CONTENT_TOLERANCE = 1e-12


class Front(Setup):
    """A front 3 K across 40 km in a stratified basin (slopes ~ 7.5e-3, around the taper's
    iso_slopec = 0.01) with a ridge and an island; no forcing, no flow."""

    def __init__(self, **settings):
        self.settings = settings

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = NX, NY, NZ
        s.dt_mom = s.dt_tracer = 3600.0
        s.prescribed_velocity = True
        s.eq_of_state = "linear"
        s.passive_tracers = ("dye",)
        s.kappaH_0 = 0.0
        s.enable_neutral_diffusion, s.enable_skew_diffusion = True, True
        s.K_iso_0, s.K_iso_steep, s.K_gm_0 = 1000.0, 200.0, 1000.0
        s.iso_slopec, s.iso_dslope = 0.01, 0.005
        for name, value in self.settings.items():
            setattr(s, name, value)

    def set_grid(self, grid):
        grid.dxt, grid.dyt = np.full(NX, 2e4), np.full(NY, 2e4)
        grid.dzt = np.linspace(250.0, 100.0, NZ)

    def set_topography(self, grid):
        kbot = np.ones((NY, NX), dtype=int)
        kbot[:, NX // 2 + 2] = 3  # a ridge
        kbot[2:4, 2:3] = 0  # an island
        grid.kbot = kbot

    def set_initial_conditions(self, state):
        x, y = state.grid.coords("T")
        front = np.tanh((x - 1e5) / 4e4) + 0.3 * np.sin(y / 3e4)
        z = state.grid.zt[:, None, None]
        state.set("temp", 12.0 - 1.5 * front[None] + 0.01 * z)
        state.set("salt", 35.0 + 0.1 * front[None] + 1e-4 * z)
        rng = np.random.default_rng(5)
        state.set("dye", rng.random((NZ, NY, NX)))


def cell_volume(model):
    g = model.grid
    return g.maskT[(slice(None),) + g.interior] * g.dzt[:, None, None] * g.area_t[g.interior]


def test_contents_conserved():
    """Every flux is a difference of face fluxes with no flux through coasts, the bottom
    and the surface, and the implicit K_33 solve conserves each column."""
    model = Model(Front())
    st, volume = model.state, cell_volume(model)
    names = ("temp", "salt", "dye")
    before = {name: st.get(name) for name in names}
    model.run(30)
    for name in names:
        content = (st.get(name) * volume).sum()
        content0 = (before[name] * volume).sum()
        assert abs(content / content0 - 1.0) < CONTENT_TOLERANCE, name
        assert np.abs(st.get(name) - before[name]).max() > 1e-3, name  # it was mixed


def test_passive_variance_decreases():
    """Redi diffusion (a positive semi-definite tensor, discretised by triads) dissipates
    the variance of a passive tracer in every step (skew flux off: it only stirs)."""
    model = Model(Front(enable_skew_diffusion=False))
    volume = cell_volume(model)
    variances = []
    for _ in range(10):
        dye = model.state.get("dye")
        mean = (dye * volume).sum() / volume.sum()
        variances.append((((dye - mean) ** 2) * volume).sum())
        model.step()
    assert np.all(np.diff(variances) < 0.0)
    assert variances[-1] < 0.9 * variances[0]


def test_density_tracer_has_no_diapycnal_flux():
    """With temperature alone setting the density and untapered slopes (K_iso_steep = 0;
    the taper is exactly 1 for slopes below 0.08 with these settings, the front has < 0.01),
    the triads cancel K_11 dT/dx on every lateral face, and the explicit vertical flux
    cancels K_33 dT/dz on every top face: no flux across the isopycnals."""
    settings = dict(K_iso_steep=0.0, iso_slopec=0.1, iso_dslope=1e-3, enable_skew_diffusion=False)
    model = Model(Front(**settings))
    st, d, b, g = model.state, model.dev, model.backend, model.grid
    b.fill(st.salt[st.tau], 35.0)
    mixing = model.tracers.isoneutral
    mixing.prepare()
    fluxes = [np.zeros(g.shape3) for _ in range(6)]  # isoneutral, then skew (not asked)
    temp = st.temp[st.tau]
    b.launch(
        KI.isoneutral_fluxes, g.box(),
        temp, st.K_iso, st.K_gm, False, mixing.triads, mixing.diagonal, d.maskW,
        d.dxt, d.dxu, d.dyt, d.dyu, d.dzt, d.cost, d.cosu, *fluxes,
    )  # fmt: skip
    east, north, top = (f[(slice(None),) + g.interior] for f in fluxes[:3])
    inner = (slice(None), g.interior[0], g.interior[1])
    dTdx = np.diff(temp, axis=2)[inner] / d.dxu[g.interior[1]]
    dTdz = np.diff(temp, axis=0)[(slice(None),) + g.interior] / d.dzw[:-1, None, None]
    K_33 = mixing.diagonal[2][(slice(None),) + g.interior]
    scale = 1000.0 * np.abs(dTdx).max()  # K times the largest lateral gradient
    assert np.abs(mixing.diagonal[0]).max() > 0.0 and np.abs(K_33).max() > 0.0
    assert np.abs(east).max() <= 1e-12 * scale
    assert np.abs(north).max() <= 1e-12 * scale
    assert np.abs(top[:-1] + K_33[:-1] * dTdz).max() <= 1e-12 * scale


def potential_energy(model):
    """sum(g rho' z dV) [J] of the density anomaly rho': lower when dense water sinks."""
    g = model.grid
    z = g.zt[:, None, None]
    return (model.state.get("rho") * z * cell_volume(model)).sum() * model.settings.grav


def test_gm_releases_potential_energy():
    """The skew flux alone (K_iso = 0) slumps the front: the eddy-induced circulation
    moves dense water down and light water up in every step."""
    model = Model(Front(K_iso_0=0.0, K_iso_steep=0.0))
    energies = []
    for _ in range(10):
        energies.append(potential_energy(model))
        model.step()
    energies.append(potential_energy(model))
    assert np.all(np.diff(energies) < 0.0)


def test_skew_flux_needs_neutral_diffusion():
    with pytest.raises(SetupError, match="enable_neutral_diffusion"):
        Model(Front(enable_neutral_diffusion=False))


def test_steep_slope_limit_refused():
    """dx dz / (4 K dt) = 2e4 * 100 / (4 * 1000 * 3600) = 0.14: iso_slopec 0.5 is unstable."""
    with pytest.raises(SetupError, match="iso_slopec = 0.5 exceeds"):
        Model(Front(iso_slopec=0.5))

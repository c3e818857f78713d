"""Wind-driven double gyre in a closed, flat-bottomed basin on a beta plane.

A 2000 km x 2000 km box, 3000 m deep, with the wind stress tau_x = -tau_0 cos(2 pi y/L)
(easterlies at both edges, westerlies in the middle) and surface temperature restored to
a meridional profile. The wind curl drives an anticyclonic subtropical gyre in the south
and a cyclonic subpolar gyre in the north, with western boundary currents.

Resolution is one setting: ``-s resolution_km 100`` (default; laminar, Munk layers of two
cells) or ``-s resolution_km 10`` (eddying). Viscosity, diffusivity and time step follow
the grid spacing dx:

- harmonic viscosity A_h = beta (2 dx)^3: the Munk layer (A_h/beta)^(1/3) spans 2 cells;
- below 50 km also biharmonic A_4 = beta (2 dx)^5 (the biharmonic boundary layer spans
  2 cells) and A_h drops to a tenth;
- lateral tracer diffusivity K_h = 0.01 m s-1 x dx;
- time step min(3600 s, 0.06 s m-1 x dx): internal gravity waves (c ~ 2.3 m s-1) must
  keep omega dt = c dt 2 sqrt(2)/dx below ~0.4 for Adams-Bashforth 2.
"""

import numpy as np

from ocean import Setup
from ocean.settings import Setting

DAY = 86400.0
LENGTH = 2.0e6  # basin side [m]
F0, BETA = 7.3e-5, 2.0e-11  # Coriolis parameter at the southern edge [s-1], its gradient
TAU0 = 0.1  # wind stress amplitude [N m-2]
# layer thicknesses [m], bottom to top: linear from 500 to 100 m, smooth enough for the
# u-centred vertical grid (T points stay within their cells)
LAYERS = np.linspace(500.0, 100.0, 10)


class DoubleGyre(Setup):
    name = "double_gyre"
    extra_settings = {
        "resolution_km": Setting(
            100.0,
            float,
            "km",
            "grid spacing of the double gyre (100 laminar, 10 eddying)",
            low=2.0,
            high=400.0,
        ),  # fmt: skip
    }

    def set_parameter(self, s):
        dx = s.resolution_km * 1e3
        n = int(round(LENGTH / dx))
        s.nx, s.ny, s.nz = n, n, LAYERS.size
        s.dt_mom = s.dt_tracer = min(3600.0, 0.06 * dx)
        s.runlen = (360 if dx >= 50e3 else 30) * DAY
        s.coord_degree, s.enable_cyclic_x = False, False
        s.eq_of_state = "linear"
        s.A_h = BETA * (2 * dx) ** 3
        if dx < 50e3:
            s.A_hbi = BETA * (2 * dx) ** 5
            s.A_h *= 0.1
        s.r_bot = 1e-7
        s.kappaM_0, s.kappaH_0 = 1e-4, 1e-5
        s.K_h = 0.01 * dx
        s.tracer_advection = "superbee"
        s.snapshot_frequency = 30 * DAY if dx >= 50e3 else 10 * DAY
        s.averages_frequency = 90 * DAY if dx >= 50e3 else 30 * DAY

    def set_grid(self, grid):
        grid.dxt = np.full(grid.nx, LENGTH / grid.nx)
        grid.dyt = np.full(grid.ny, LENGTH / grid.ny)
        grid.dzt = LAYERS

    def set_coriolis(self, grid):
        _, y = grid.coords("T", halo=True)
        grid.coriolis_t = F0 + BETA * y

    def set_topography(self, grid):
        grid.kbot = np.ones((grid.ny, grid.nx), dtype=int)

    def set_initial_conditions(self, state):
        # horizontally uniform thermocline [degC]: a state at rest; the surface restoring
        # builds the meridional gradient, so there is no geostrophic-adjustment shock
        profile = 4.0 + 16.0 * np.exp(state.grid.zt / 600.0)
        state.set("temp", profile[:, None, None])
        state.set("salt", 35.0)

    def set_forcing(self, state):
        g = state.grid
        _, yu = g.coords("U")
        _, yt = g.coords("T")
        state.set("surface_taux", -TAU0 * np.cos(2 * np.pi * yu / LENGTH))
        state.set("temp_surface_target", 25.0 - 20.0 * yt / LENGTH)
        state.set("temp_surface_rate", np.full(yt.shape, g.dzt[-1] / (30 * DAY)))

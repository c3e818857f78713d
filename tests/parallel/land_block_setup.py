"""A closed basin whose eastern third is land: with 3 blocks in x the eastern block holds
no ocean at all (used by test_parallel_runs.py)."""

import numpy as np

from ocean import Setup


class LandBlock(Setup):
    name = "land_block"

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 12, 8, 3
        s.dt_mom = s.dt_tracer = 1800.0
        s.A_h, s.K_h, s.kappaM_0, s.kappaH_0 = 1e4, 1e3, 1e-4, 1e-5

    def set_grid(self, grid):
        grid.dxt, grid.dyt = np.full(grid.nx, 5e4), np.full(grid.ny, 5e4)
        grid.dzt = np.array([400.0, 300.0, 200.0])

    def set_coriolis(self, grid):
        _, y = grid.coords("T", halo=True)
        grid.coriolis_t = 1e-4 + 2e-11 * y

    def set_topography(self, grid):
        x, _ = grid.coords("T")
        grid.kbot = np.where(x < 7 * 5e4, 1, 0)  # T points at (i - 1/2) dx: cells 0-7 wet

    def set_initial_conditions(self, state):
        state.set("temp", 4.0 + 12.0 * np.exp(state.grid.zt / 300.0)[:, None, None])
        state.set("salt", 35.0)

    def set_forcing(self, state):
        _, y = state.grid.coords("U")
        state.set("surface_taux", 0.1 * np.sin(np.pi * y / 4e5))

"""Veros's ACC benchmark: the ACC channel of ``acc.py`` with the grid scaling, time step and
physics switches of Veros's ``benchmarks/acc_benchmark.py``; the grid size is the settings
``nx``, ``ny``, ``nz`` (``-s nx 120 -s ny 80 -s nz 30``).

Grid: a 120 x 80 degree domain from 40S, dxt = 120/nx deg, dyt = 80/ny deg, uniform
dzt = 4000/nz m; dt_mom = dt_tracer = 600 s. Physics (as the benchmark): the
streamfunction with island integrals (the benchmark leaves Veros's default on), the TEOS-10
density, TKE with kappaH_min = 0, no kappaH profile and a constant Prandtl number (10),
IDEMIX with lateral propagation and superbee advection, fed by the EKE dissipation at the
bottom and surface (eke_diss_surfbot_frac = 0.2), and from the ACC setup: isoneutral
diffusion with GM, EKE with superbee advection, bottom and harmonic friction, the
energy-conserving path. Diagnostics are off. The streamfunction's elliptic problem is
solved directly (``elliptic_solver = "direct"``, a banded Cholesky factor made once; Veros
leaves the solver to its backend).
"""

from pathlib import Path

import numpy as np

from ocean.loader import load_setup

ACC = load_setup(Path(__file__).resolve().parent / "acc.py")


class ACCBenchmark(ACC):
    name = "acc_benchmark"

    def set_parameter(self, s):
        super().set_parameter(s)
        s.nx, s.ny, s.nz = 60, 40, 30  # unless given as settings
        s.dt_mom = s.dt_tracer = 600.0
        s.external_mode = "streamfunction"
        s.elliptic_solver = "direct"  # banded Cholesky: one solve instead of ~70 PCG iterations
        s.eq_of_state = "teos10"
        s.kappaH_min, s.enable_kappaH_profile, s.enable_Prandtl_tke = 0.0, False, False
        s.enable_idemix = True
        s.enable_idemix_hor_diffusion = s.enable_idemix_superbee_advection = True
        s.enable_eke_diss_surfbot, s.eke_diss_surfbot_frac = True, 0.2
        s.snapshot_frequency = 0.0
        s.averages_frequency = 0.0
        s.check_interval = 10**9

    def set_grid(self, grid):
        grid.dxt = np.full(grid.nx, 120.0 / grid.nx)
        grid.dyt = np.full(grid.ny, 80.0 / grid.ny)
        grid.dzt = np.full(grid.nz, 4000.0 / grid.nz)

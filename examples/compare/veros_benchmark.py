"""Veros's ACC benchmark configuration built in Veros (its ``benchmarks/acc_benchmark.py``:
the ACC setup with the benchmark's grid scaling, time step and switches), for the scripts
and tests that run it beside ``examples/acc_benchmark.py``. Needs the ``compare`` extra.
"""

from __future__ import annotations

#: the switches of Veros's ACC benchmark that its ACC setup does not have (the external
#: mode stays Veros's default, the streamfunction, as in the benchmark)
VEROS_BENCHMARK_SETTINGS = {
    "dt_mom": 600.0, "dt_tracer": 600.0, "kappaH_min": 0.0, "enable_kappaH_profile": False,
    "enable_Prandtl_tke": False, "enable_idemix": True, "enable_idemix_hor_diffusion": True,
    "enable_idemix_superbee_advection": True, "enable_eke_diss_surfbot": True,
    "eke_diss_surfbot_frac": 0.2, "eq_of_state_type": 5,
}  # fmt: skip


def veros_benchmark_setup(size):
    """Veros's ACC benchmark at ``size`` = (nx, ny, nz), diagnostics off, set up."""
    import numpy as np
    from veros import veros_routine
    from veros.setups.acc import ACCSetup

    nx, ny, nz = size

    class ACCBenchmark(ACCSetup):
        @veros_routine
        def set_parameter(self, state):
            super().set_parameter(state)
            settings = state.settings
            settings.nx, settings.ny, settings.nz = nx, ny, nz
            settings.runlen = 1e10
            for name, value in VEROS_BENCHMARK_SETTINGS.items():
                setattr(settings, name, value)

        @veros_routine
        def set_grid(self, state):
            vs = state.variables
            vs.dxt = 120.0 / nx * np.ones_like(vs.dxt)
            vs.dyt = 80.0 / ny * np.ones_like(vs.dyt)
            vs.dzt = 4000.0 / nz * np.ones_like(vs.dzt)

        @veros_routine
        def set_diagnostics(self, state):
            state.diagnostics.clear()

    setup = ACCBenchmark()
    setup.setup()
    return setup

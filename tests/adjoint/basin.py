"""A tiny differentiable configuration for the step and rollout adjoint tests: 8 x 6 x 4
cells on the sphere, periodic in x, an island and a shelf, wind stress and surface
restoring, a stratified state with eddies (random but smooth enough to stay generic)."""

import numpy as np

from ocean import Model, Setup
from ocean.backends import get_backend


class Basin(Setup):
    name = "adjoint_basin"

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 8, 6, 4
        s.dt_mom = s.dt_tracer = 1800.0
        s.coord_degree, s.enable_cyclic_x = True, True
        s.x_origin, s.y_origin = 0.0, -50.0
        s.A_h = 2.0e4
        s.K_h = 500.0
        s.r_bot = 1e-5
        s.kappaM_0, s.kappaH_0 = 1e-3, 1e-4
        s.enable_convective_mixing = False  # the switch is a kink: keep the loss smooth
        s.tracer_advection = "centred"
        s.eq_of_state = "nonlinear_vallis"
        s.congr_epsilon = 1e-13
        s.congr_max_iterations = 2000
        s.check_interval = 1000000

    def set_grid(self, grid):
        grid.dxt = np.full(grid.nx, 3.0)
        grid.dyt = np.linspace(2.8, 3.2, grid.ny)
        grid.dzt = np.array([300.0, 260.0, 230.0, 200.0])

    def set_coriolis(self, grid):
        _, y = grid.coords("T", halo=True)
        grid.coriolis_t = 2 * 7.29e-5 * np.sin(np.deg2rad(y))

    def set_topography(self, grid):
        kbot = np.ones((grid.ny_global, grid.nx_global), dtype=int)  # global: any layout
        kbot[:, 0] = 2
        kbot[2, 3] = 0
        kbot[4, 5] = 3
        grid.kbot = kbot

    def set_initial_conditions(self, state):
        g = state.grid
        rng = np.random.default_rng(7)
        shape = (g.nz, g.ny_global, g.nx_global)  # the same fields on any layout
        temp = 4.0 + 12.0 * np.exp(g.zt / 500.0)[:, None, None] + 0.3 * rng.standard_normal(shape)
        state.set("temp", temp)
        state.set("salt", 34.5 + 0.1 * rng.standard_normal(shape))
        state.set("u", 0.05 * rng.standard_normal(shape))
        state.set("v", 0.05 * rng.standard_normal(shape))

    def set_forcing(self, state):
        g = state.grid
        _, yu = g.coords("U")
        _, yt = g.coords("T")
        state.set("surface_taux", 0.1 * np.cos(np.deg2rad(yu) * 6.0))
        state.set("temp_surface_target", 20.0 - 0.5 * (yt + 50.0))
        state.set("temp_surface_rate", np.full(yt.shape, g.dzt[-1] / (10 * 86400.0)))


def basin(backend="cpu", closures=(), comm=None, **settings):
    """The basin model, spun up two steps (so every time level holds a real state)."""
    model = Model(Basin(), backend=get_backend(backend), settings=settings, closures=closures,
                  comm=comm)  # fmt: skip
    model.run(2)
    return model


def laplacian_closure(tmp_path, coef=2e-7):
    """A float64 ONNX closure du/dt = coef * (5-point Laplacian of u) (and v), trained at
    this basin's grid spacing, with the native executor switched on (its ``coef`` and
    ``four`` initializers are the trainable weights)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
    from onnx_graphs import laplacian_slices, metadata, save

    from ocean.plugins.onnx_checks import typical_spacing
    from ocean.plugins.onnx_closure import OnnxClosure

    probe = Model(Basin(), backend=get_backend("cpu"))
    meta = metadata(grid_spacing=typical_spacing(probe.grid))
    closure = OnnxClosure(save(laplacian_slices(coef, np.float64, meta), tmp_path / "lap.onnx"))
    return closure

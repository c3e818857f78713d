"""Closed basin without forcing: heat, salt and volume are conserved.

Every tracer operator is in flux form with zero flux through coasts, the bottom and the
surface (advection, lateral diffusion, implicit vertical diffusion with convection), so
the content sum(T * cell volume) changes only by round-off: 1e-12 relative over 200
steps leaves a margin of ~100 over the accumulated float64 error. The free surface moves
water around but cannot create it: sum(area * eta) changes only by the residual of the
surface-pressure solve (relative residual 1e-12).
"""

import numpy as np

from ocean import Model, Setup

N = 12


class Basin(Setup):
    def set_parameter(self, s):
        s.nx, s.ny, s.nz = N, N, 5
        s.dt_mom = s.dt_tracer = 1800.0
        s.A_h, s.A_hbi, s.r_bot, s.r_quad_bot = 2e3, 1e10, 1e-6, 1e-3
        s.K_h = 500.0
        s.tracer_advection = "superbee"
        s.eq_of_state = "nonlinear_vallis"
        s.external_mode = "free_surface"

    def set_grid(self, grid):
        grid.dxt, grid.dyt = np.full(N, 2e4), np.full(N, 2e4)
        grid.dzt = np.linspace(300.0, 100.0, 5)

    def set_coriolis(self, grid):
        _, y = grid.coords("T", halo=True)
        grid.coriolis_t = 1e-4 + 2e-11 * y

    def set_topography(self, grid):
        x, y = grid.coords("T")
        kbot = np.ones((N, N), dtype=int)
        kbot[:, N // 2] = 3  # a ridge
        kbot[2:4, 2:4] = 0  # an island
        grid.kbot = kbot

    def set_initial_conditions(self, state):
        x, y = state.grid.coords("T")
        front = np.tanh((x - 1.2e5) / 4e4) + 0.3 * np.sin(y / 5e4)
        z = state.grid.zt[:, None, None]
        state.set("temp", 10.0 - 3.0 * front[None] + 0.002 * z)
        state.set("salt", 35.0 + 0.2 * front[None])
        state.set("v", 0.05 * np.exp(-(((x - 1.2e5) / 4e4) ** 2))[None] * np.ones((5, 1, 1)))


def test_heat_salt_volume_conserved():
    model = Model(Basin())
    g, st = model.grid, model.state
    volume = g.maskT[(slice(None),) + g.interior] * g.dzt[:, None, None] * g.area_t[g.interior]
    area = g.area_t[g.interior] * g.maskT[(-1,) + g.interior]

    def contents():
        eta = st.get("psi") / model.settings.grav
        return (
            (st.get("temp") * volume).sum(),
            (st.get("salt") * volume).sum(),
            volume.sum() + (area * eta).sum(),
            (area * eta).sum(),
            (area * np.abs(eta)).sum(),
        )

    heat0, salt0, vol0, _, _ = contents()
    model.run(200)
    heat, salt, vol, net_eta, abs_eta = contents()
    assert np.abs(st.get("u")).max() > 1e-3  # something moved
    assert abs(heat / heat0 - 1) < 1e-12
    assert abs(salt / salt0 - 1) < 1e-12
    assert abs(vol / vol0 - 1) < 1e-12
    assert abs_eta > 0 and abs(net_eta) < 1e-9 * abs_eta

"""Inertial oscillation on an f-plane: the period must be 2 pi / f.

Two equal layers move in opposite directions, so the depth-integrated flow is zero and the
surface pressure stays at rest; without friction and advection each layer obeys
du/dt = f v, dv/dt = -f u exactly as discretised by the Coriolis kernels (which average v
to U points: a uniform flow away from the walls is unaffected by the averaging).
Tolerance 0.5 %: Adams-Bashforth 2 with f dt = 2 pi / 120 has a frequency error of
order (f dt)^2 / 2 ~ 0.1 %, well inside it.
"""

import numpy as np

from ocean import Model, Setup

F0 = 1e-4
PERIOD = 2 * np.pi / F0
U0 = 0.1


class FPlane(Setup):
    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 4, 24, 2
        s.enable_cyclic_x = True
        s.dt_mom = s.dt_tracer = PERIOD / 120
        s.enable_momentum_advection = False
        s.enable_implicit_vert_friction = False
        s.eq_of_state = "linear"
        s.check_interval = 1000

    def set_grid(self, grid):
        grid.dxt, grid.dyt, grid.dzt = np.full(4, 1e4), np.full(24, 1e4), np.array([50.0, 50.0])

    def set_coriolis(self, grid):
        grid.coriolis_t = F0

    def set_initial_conditions(self, state):
        state.set("temp", 10.0)
        state.set("salt", 35.0)
        state.set("u", np.array([-U0, U0])[:, None, None] * np.ones((2, 24, 4)))


def zero_crossings(t, x):
    s = np.sign(x)
    idx = np.nonzero(s[:-1] * s[1:] < 0)[0]
    return t[idx] - x[idx] * (t[idx + 1] - t[idx]) / (x[idx + 1] - x[idx])


def test_inertial_period():
    model = Model(FPlane())
    times, u = [0.0], [U0]
    for _ in range(400):  # 3.3 periods
        model.step()
        times.append(model.state.time)
        u.append(model.state.get("u")[1, 12, 2])
    crossings = zero_crossings(np.array(times), np.array(u))
    assert len(crossings) >= 6
    period = 2 * np.mean(np.diff(crossings))
    assert abs(period / PERIOD - 1) < 5e-3, f"period {period:.1f} s vs {PERIOD:.1f} s"
    # the flow stays inertial: speed is conserved to AB2 accuracy over 3 periods
    v = model.state.get("v")[1, 12, 2]
    speed = np.hypot(u[-1], v)
    assert abs(speed / U0 - 1) < 0.02
    # and the surface pressure stays at rest
    assert np.abs(model.state.get("psi")).max() < 1e-12

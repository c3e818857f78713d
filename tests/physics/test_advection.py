"""Tracer advection in a periodic channel with a prescribed uniform velocity.

The velocity is frozen (``prescribed_velocity``), so the exact solution is the initial
profile translated by U t. Centred advection must converge at second order: the error
ratio on halving the spacing must be >= 3.5 (4 in the limit). Time errors are kept out of
the way so the spatial order is measured: Courant number 0.02 and AB_eps = 0 (with the
offset, Adams-Bashforth 2 is first order in time). Superbee must create no new extrema.
"""

import numpy as np
import pytest

from ocean import Model, Setup

LENGTH = 1.0e6
SPEED = 0.5


class Channel(Setup):
    def __init__(self, n, courant, scheme, profile):
        self.n, self.courant, self.scheme, self.profile = n, courant, scheme, profile

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = self.n, 3, 1
        s.enable_cyclic_x = True
        s.prescribed_velocity = True
        s.tracer_advection = self.scheme
        s.dt_mom = s.dt_tracer = self.courant * (LENGTH / self.n) / SPEED
        s.AB_eps = 0.0
        s.kappaH_0 = 0.0
        s.check_interval = 10**6

    def set_grid(self, grid):
        grid.dxt = np.full(self.n, LENGTH / self.n)
        grid.dyt, grid.dzt = np.full(3, 1e4), np.array([100.0])

    def set_initial_conditions(self, state):
        x, _ = state.grid.coords("T")
        state.set("temp", self.profile(x)[None])
        state.set("salt", 35.0)
        state.set("u", SPEED)


def sine(x):
    return 10.0 + np.sin(2 * np.pi * x / LENGTH)


def top_hat(x):
    return np.where(np.abs(x - 0.3 * LENGTH) < 0.1 * LENGTH, 20.0, 10.0)


def run_crossing(n, courant, scheme, profile):
    model = Model(Channel(n, courant, scheme, profile))
    steps = int(round(n / courant))  # one domain crossing: exact solution = initial
    model.run(steps)
    assert model.state.time * SPEED == pytest.approx(LENGTH)
    x, _ = model.grid.coords("T")
    return model.state.get("temp")[0], profile(x)


def test_centred_is_second_order():
    errors = []
    for n in (32, 64):
        got, exact = run_crossing(n, 0.02, "centred", sine)
        errors.append(np.sqrt(np.mean((got - exact) ** 2)))
    ratio = errors[0] / errors[1]
    assert ratio >= 3.5, f"errors {errors}, ratio {ratio:.2f}"


def test_superbee_creates_no_new_extrema():
    got, initial = run_crossing(50, 0.2, "superbee", top_hat)
    assert got.max() <= initial.max() + 1e-12
    assert got.min() >= initial.min() - 1e-12
    # content is conserved exactly by the flux form (the channel is periodic)
    assert got.sum() == pytest.approx(initial.sum(), rel=1e-13)

    # total variation does not grow (the limiter's TVD property), row by row
    def total_variation(a):
        return np.abs(np.diff(np.concatenate([a, a[:, :1]], axis=1), axis=1)).sum(axis=1)

    assert np.all(total_variation(got) <= total_variation(initial) + 1e-10)

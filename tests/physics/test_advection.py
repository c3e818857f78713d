"""Tracer advection in a periodic channel with a prescribed uniform velocity.

The velocity is frozen (``prescribed_velocity``; w = 0 from continuity), so the exact
solution after one domain crossing is the initial profile. The channel is periodic in x,
3 rows between walls, one level; temperature is the tracer (no diffusion; the equation of
state does not matter when the velocity is prescribed). Time stepping is the model's:
Adams-Bashforth 2 with the default offset AB_eps = 0.1.

Centred scheme: second order, so the error ratio on halving dx and dt together (same
Courant number) must be >= 3.5 (4 in the limit). With AB_eps > 0 AB2 is formally first
order in time; at Courant 0.02 that error is negligible (measured ratio 4.23, and 4.21
with AB_eps = 0). 32 points per wavelength is in the asymptotic range: the phase error
of the centred scheme, (k dx)^2 / 6 per unit phase, is 0.6 % there.

DST3 (MITgcm's direct space-time third-order scheme) is stepped forward in time, as in
MITgcm (its Courant terms carry the time accuracy; under AB2 it measured first order):
the error ratio on halving dx and dt at fixed Courant number must be >= 7 (8 in the limit;
measured 7.97 at Courant 0.1, 0.4 and 0.8). Its flux-limited form must keep a top hat
within its bounds like superbee, while the unlimited one overshoots it (by 0.9-1.0).

Superbee: a top hat must create no new extrema (1e-12, the issue), in both directions.
pyOM2/Veros apply AB2 to the superbee tendency, whose flux already contains the Courant
(Lax-Wendroff) term for a forward step. Measured: no new extrema at Courant 0.1 to 0.4.
Above Courant 1/(2 (1 + AB_eps)) = 0.45 it cannot work: the upwind part of the flux has
eigenvalues down to -2C, outside the real stability interval [-1/(1 + AB_eps), 0] of AB2
(at Courant 0.5 the run blows up). The test uses 0.2 and 0.4.
"""

import numpy as np
import pytest

from ocean import Model, Setup

LENGTH = 1.0e6
SPEED = 0.5


class Channel(Setup):
    def __init__(self, n, courant, scheme, profile, speed=SPEED):
        self.n, self.courant, self.scheme, self.profile = n, courant, scheme, profile
        self.speed = speed

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = self.n, 3, 1
        s.enable_cyclic_x = True
        s.prescribed_velocity = True
        s.tracer_advection = self.scheme
        s.dt_mom = s.dt_tracer = self.courant * (LENGTH / self.n) / abs(self.speed)
        s.kappaH_0 = s.K_h = 0.0
        s.check_interval = 10**6

    def set_grid(self, grid):
        grid.dxt = np.full(self.n, LENGTH / self.n)
        grid.dyt, grid.dzt = np.full(3, 1e4), np.array([100.0])

    def set_initial_conditions(self, state):
        x, _ = state.grid.coords("T")
        state.set("temp", self.profile(x)[None])
        state.set("salt", 35.0)
        state.set("u", self.speed)


def sine(x):
    return 10.0 + np.sin(2 * np.pi * x / LENGTH)


def top_hat(x):
    return np.where(np.abs(x - 0.3 * LENGTH) < 0.1 * LENGTH, 20.0, 10.0)


def run_crossing(n, courant, scheme, profile, speed=SPEED):
    model = Model(Channel(n, courant, scheme, profile, speed))
    assert model.settings.AB_eps == 0.1  # the default time stepping
    steps = int(round(n / courant))  # one domain crossing: exact solution = initial
    model.run(steps)
    assert model.state.time * abs(speed) == pytest.approx(LENGTH)
    assert np.all(model.state.get("u") == speed)  # the velocity stayed prescribed
    x, _ = model.grid.coords("T")
    return model.state.get("temp")[0], profile(x)


def error_ratio(scheme, courant):
    """(RMS error at 32 points) / (at 64 points) after one crossing of a sine, and both."""
    errors = []
    for n in (32, 64):
        got, exact = run_crossing(n, courant, scheme, sine)
        errors.append(np.sqrt(np.mean((got - exact) ** 2)))
    return errors[0] / errors[1], errors


def assert_bounded_and_conserved(got, initial):
    """No new extrema (1e-12), content conserved to round-off by the flux form (periodic
    channel), and the hat still there."""
    assert got.max() <= initial.max() + 1e-12
    assert got.min() >= initial.min() - 1e-12
    assert got.sum() == pytest.approx(initial.sum(), rel=1e-13)
    assert got.max() > 16.0


def test_centred_is_second_order():
    ratio, errors = error_ratio("centred", 0.02)
    assert ratio >= 3.5, f"errors {errors}, ratio {ratio:.2f}"


@pytest.mark.parametrize("courant", [0.2, 0.4])
@pytest.mark.parametrize("speed", [SPEED, -SPEED])
def test_superbee_creates_no_new_extrema(courant, speed):
    got, initial = run_crossing(50, courant, "superbee", top_hat, speed)
    assert_bounded_and_conserved(got, initial)
    # the rows are identical (no flow across the channel)
    assert np.all(got == got[:1])

    # total variation does not grow (the limiter's TVD property), row by row
    def total_variation(a):
        return np.abs(np.diff(np.concatenate([a, a[:, :1]], axis=1), axis=1)).sum(axis=1)

    assert np.all(total_variation(got) <= total_variation(initial) + 1e-10)


@pytest.mark.parametrize("courant", [0.1, 0.4])
def test_dst3_is_third_order(courant):
    ratio, errors = error_ratio("dst3", courant)
    assert ratio >= 7.0, f"errors {errors}, ratio {ratio:.2f}"


@pytest.mark.parametrize("courant", [0.2, 0.4])
@pytest.mark.parametrize("speed", [SPEED, -SPEED])
def test_dst3_limited_keeps_bounds_where_dst3_overshoots(courant, speed):
    got, initial = run_crossing(50, courant, "dst3_limited", top_hat, speed)
    assert_bounded_and_conserved(got, initial)
    unlimited, _ = run_crossing(50, courant, "dst3", top_hat, speed)
    assert unlimited.max() > initial.max() + 0.5  # the limiter is what keeps the bounds
    assert unlimited.sum() == pytest.approx(initial.sum(), rel=1e-13)

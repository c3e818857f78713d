"""The ``zb2020`` closure (plugins/zanna_bolton.py, kernels/zanna_bolton.py).

Closed form. With zeta = v_x - u_y, D = u_y + v_x, D~ = u_x - v_y and a uniform kappa,

    du / kappa = d_x(-zeta D + (zeta^2 + D^2 + D~^2)/2) + d_y(zeta D~)
               = zeta zeta_x + D D_x + D~ D~_x - zeta_x D - zeta D_x + zeta_y D~ + zeta D~_y
    dv / kappa = d_x(zeta D~) + d_y(zeta D + (zeta^2 + D^2 + D~^2)/2)
               = zeta_x D~ + zeta D~_x + zeta_y D + zeta D_y + zeta zeta_y + D D_y + D~ D~_y

On a uniform Cartesian grid kappa = -gamma dx dy is uniform, and the discrete forcing
divided by kappa converges to these at second order.
"""

import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lateral_grids import Block, SphericalBasin, Waves, max_error, random_velocity  # noqa: E402

from ocean import Model  # noqa: E402
from ocean.plugins.registry import make_closure  # noqa: E402
from ocean.plugins.zanna_bolton import ZannaBolton2020  # noqa: E402
from ocean.settings import Settings  # noqa: E402

LENGTH = 1.0e6


def zb(gamma=1.0):
    return ZannaBolton2020(Settings(overrides={"zb2020_scaling": gamma}))


def closed_form(w, x, y):
    """(du, dv) / kappa at (x, y) [m-1 s-2] from the formulas in the module docstring."""
    q = w.invariants(x, y)
    du = (
        q.zeta * q.zeta_x + q.D * q.D_x + q.Dt * q.Dt_x
        - q.zeta_x * q.D - q.zeta * q.D_x + q.zeta_y * q.Dt + q.zeta * q.Dt_y
    )  # fmt: skip
    dv = (
        q.zeta_x * q.Dt + q.zeta * q.Dt_x + q.zeta_y * q.D + q.zeta * q.D_y
        + q.zeta * q.zeta_y + q.D * q.D_y + q.Dt * q.Dt_y
    )  # fmt: skip
    return du, dv


def discrete(n, w, gamma=1.5):
    """Interior (du, dv) / kappa and the closed form at the U and V points, on n x n."""
    block = Block(n, LENGTH, h=2)
    block.set_velocity(w.u, w.v)
    c = zb(gamma)
    c.bind(block)
    out = c(block)
    kappa = -gamma * block.dx * block.dy
    du_exact = closed_form(w, *block.points("U"))[0]
    dv_exact = closed_form(w, *block.points("V"))[1]
    return (
        block.inner(out["u"][0]) / kappa, block.inner(du_exact),
        block.inner(out["v"][0]) / kappa, block.inner(dv_exact),
    )  # fmt: skip


def test_registered_with_halo_two_and_scaling_from_settings():
    c = make_closure("zb2020", Settings(overrides={"zb2020_scaling": 2.5}))
    assert isinstance(c, ZannaBolton2020)
    assert c.gamma == 2.5 and c.halo == 2
    assert c.inputs == ("u", "v") and c.outputs == ("u", "v")


def test_matches_the_closed_form_at_second_order():
    w = Waves(LENGTH)
    errors = []
    for n in (32, 64, 128):
        du, du_exact, dv, dv_exact = discrete(n, w)
        errors.append((max_error(du, du_exact), max_error(dv, dv_exact)))
    ratios = [
        (coarse[0] / fine[0], coarse[1] / fine[1])
        for coarse, fine in zip(errors[:-1], errors[1:], strict=True)
    ]
    print("relative max errors (du, dv):", errors, "ratios:", ratios)
    assert errors[-1][0] < 0.01 and errors[-1][1] < 0.01
    for ratio_u, ratio_v in ratios:
        assert ratio_u >= 3.5 and ratio_v >= 3.5, ratios


def test_pure_shear_gives_no_forcing_and_kappa_is_negative():
    """u = a y: zeta = -a, D = a, D~ = 0, so Txx = 2 kappa a^2, Tyy = Txy = 0: uniform
    stress, no forcing. Txx = sxx + trace gives kappa itself: -gamma dx dy."""
    a, gamma = 1e-5, 0.7
    block = Block(8, LENGTH, h=2)
    block.set_velocity(lambda x, y: a * (y - 0.3 * LENGTH), lambda x, y: 0.0 * x)
    c = zb(gamma)
    c.bind(block)
    out = c(block)
    inner = block.box(1)[2:]
    ring = (slice(None), slice(*inner[:2]), slice(*inner[2:]))
    txx, tyy = c.sxx[ring] + c.trace[ring], -c.sxx[ring] + c.trace[ring]
    kappa = -gamma * block.dx * block.dy
    np.testing.assert_allclose(txx, 2 * kappa * a * a, rtol=1e-12)
    assert kappa < 0 and np.all(txx < 0)
    assert np.abs(tyy).max() <= 1e-12 * abs(kappa) * a * a
    assert np.abs(c.sxy[ring]).max() == 0.0  # D~ is exactly zero
    scale = abs(kappa) * a * a / block.dx
    for name in ("u", "v"):
        assert np.abs(block.inner(out[name])).max() <= 1e-12 * scale, name


def test_trace_has_the_sign_of_kappa():
    """0.5 kappa (zeta^2 + D^2 + D~^2) <= 0 everywhere for any flow (kappa < 0)."""
    block = Block(10, LENGTH, h=2)
    rng = np.random.default_rng(3)
    block.fields["u"] = rng.normal(size=block.grid.shape3)
    block.fields["v"] = rng.normal(size=block.grid.shape3)
    c = zb()
    c.bind(block)
    c(block)
    inner = block.inner(c.trace)
    assert inner.max() <= 0.0 and inner.min() < 0.0


def test_zero_on_land_and_finite_in_a_spherical_basin():
    model = Model(SphericalBasin(), settings={"closures": ("zb2020",)})
    c = model.closures.closures[0]
    random_velocity(model, seed=1)
    out = c(model.closures.view)
    g = model.grid
    for name, mask in (("u", g.maskU), ("v", g.maskV)):
        arr = out[name]
        assert np.isfinite(arr).all()
        assert np.abs(arr[mask == 0]).max() == 0.0, name
        assert np.abs(arr[mask == 1]).max() > 0.0, name
    # no stress on or along land
    assert np.abs(c.sxx[g.maskT == 0]).max() == 0.0
    assert np.abs(c.trace[g.maskT == 0]).max() == 0.0


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@cache
def double_gyre(closures):
    """The double gyre at 200 km (10 x 10 x 10) after 20 steps with ``closures``."""
    from ocean.loader import load_setup

    setup = load_setup(EXAMPLES / "double_gyre.py")
    model = Model(setup(), settings={"resolution_km": 200.0, "closures": closures})
    model.run(20)
    return model


@pytest.mark.parametrize("closures", [("zb2020",), ("zb2020", "smagorinsky")])
def test_double_gyre_runs_and_differs_from_no_closure(closures):
    plain, run = double_gyre(()), double_gyre(closures)
    assert run.grid.h == 2 and run.state.itt == 20
    for name in ("u", "v", "temp", "psi"):
        assert np.isfinite(run.state.get(name)).all(), name
    u, u_plain = run.state.get("u"), plain.state.get("u")
    assert np.abs(u - u_plain).max() > 1e-5 * np.abs(u_plain).max()  # measured: 6e-3

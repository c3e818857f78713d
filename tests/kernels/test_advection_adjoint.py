"""kernels/advection.py: the adjoint of the tracer advection, centred and DST3 (dot-product
tests; named so as not to clash with tests/physics/test_advection.py)."""

import numpy as np
import pytest
from adjoint_cases import cases_of, run_case, run_case_by_input

from ocean.adjoint.dual import Dual
from ocean.backends import get_backend
from ocean.kernels import advection as KA

#: float64 round-off of sums over a few hundred terms (as test_pressure.py)
DOT_PRODUCT_TOLERANCE = 1e-12


@pytest.mark.parametrize("name", cases_of(KA))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel


@pytest.mark.parametrize("name", cases_of(KA))
def test_adjoint_dot_product_by_input(name):
    for x, r in run_case_by_input(name, get_backend("cpu")).items():
        assert r.relative_error <= DOT_PRODUCT_TOLERANCE, (name, x, r)


@pytest.mark.parametrize("scheme", [0, 2])
def test_face_partials_at_large_courant_numbers(scheme):
    """The partials of one face's flux against dual numbers through the forward's face
    flux, at Courant numbers up to 1 (the model's cases reach ~1e-3 only) and both signs
    of the velocity: the derivative through DST3's Courant number is tested sharply."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        vel = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.01, 2.0))
        rate = rng.uniform(0.0, 0.5)  # dt / dx
        ts = [float(v) for v in 10.0 + 5.0 * rng.standard_normal(4)]
        masks = [float(m) for m in rng.choice([0.0, 1.0], 3, p=[0.2, 0.8])]
        p = KA.face_partials(scheme, vel, *ts, *masks, abs(vel * rate), rate)
        for n in range(5):
            x = [Dual(v, float(n == m)) for m, v in enumerate([*ts, vel])]
            if scheme == 0:
                flux = x[4] * 0.5 * (x[1] + x[2])
            else:
                flux = KA.dst3_face(x[4], *x[:4], *masks, abs(x[4] * rate), False)
            expected = flux.deriv if isinstance(flux, Dual) else 0.0
            assert abs(p[n] - expected) <= 1e-13 * max(1.0, abs(expected)), (n, p[n], expected)

"""kernels/tracers.py: the adjoints of the explicit tracer step (diffusion, Adams-Bashforth,
sponge) and of the implicit vertical mixing with surface forcing (dot-product tests)."""

import pytest
from adjoint_cases import cases_of, run_case, run_case_by_input

from ocean.backends import get_backend
from ocean.kernels import tracers as KT

#: float64 round-off of sums over a few hundred terms (as test_pressure.py)
DOT_PRODUCT_TOLERANCE = 1e-12


@pytest.mark.parametrize("name", cases_of(KT))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel


@pytest.mark.parametrize("name", cases_of(KT))
def test_adjoint_dot_product_by_input(name):
    for x, r in run_case_by_input(name, get_backend("cpu")).items():
        assert r.relative_error <= DOT_PRODUCT_TOLERANCE, (name, x, r)

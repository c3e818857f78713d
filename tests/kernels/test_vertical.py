"""kernels/vertical.py: the adjoints of w from continuity and of the vertical mixing
coefficients (dot-product tests)."""

import pytest
from adjoint_cases import cases_of, run_case

from ocean.backends import get_backend
from ocean.kernels import vertical as KV

#: float64 round-off of sums over a few hundred terms (as test_pressure.py)
DOT_PRODUCT_TOLERANCE = 1e-12


@pytest.mark.parametrize("name", cases_of(KV))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel

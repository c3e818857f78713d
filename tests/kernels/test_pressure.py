"""kernels/pressure.py: the adjoints of the pressure-method kernels (dot-product tests)."""

import pytest
from adjoint_cases import cases_of, run_case

from ocean.backends import get_backend
from ocean.kernels import pressure as KP

#: float64 round-off of sums over a few hundred terms; measured ~1e-16
DOT_PRODUCT_TOLERANCE = 1e-12


@pytest.mark.parametrize("name", cases_of(KP))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel

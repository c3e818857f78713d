"""kernels/momentum.py: the adjoint of the momentum tendency (dot-product tests)."""

import pytest
from adjoint_cases import cases_of, run_case

from ocean.backends import get_backend
from ocean.kernels import momentum as KM

#: float64 round-off of sums over a few hundred terms; measured <= 7.4e-16
DOT_PRODUCT_TOLERANCE = 1e-12
#: the tendency's Jacobian is O(f) ~ 1e-4 s-1 (pressure gradient and wind stress smaller),
#: so the dot product of unit-normal directions is O(1e-3): 8.8e-4 without advection
EXERCISED = 1e-4


@pytest.mark.parametrize("name", cases_of(KM))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > EXERCISED  # the test exercised the kernel

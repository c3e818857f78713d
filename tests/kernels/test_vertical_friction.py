"""kernels/vertical_friction.py: the adjoint of the implicit vertical viscosity."""

import pytest
from adjoint_cases import cases_of, run_case, run_case_by_input

from ocean.backends import get_backend
from ocean.kernels import vertical_friction as KVF

DOT_PRODUCT_TOLERANCE = 1e-12  # round-off of a few hundred terms; measured 2e-16


@pytest.mark.parametrize("name", cases_of(KVF))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert result.forward != 0.0


@pytest.mark.parametrize("name", cases_of(KVF))
def test_adjoint_dot_product_by_input(name):
    """u, v and kappaM one at a time (kappaM's Jacobian is small beside the solve's)."""
    for x, r in run_case_by_input(name, get_backend("cpu")).items():
        assert r.relative_error <= DOT_PRODUCT_TOLERANCE, (name, x, r)

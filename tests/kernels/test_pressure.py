"""kernels/pressure.py: the adjoints of the pressure-method kernels (dot-product tests)."""

import numpy as np
import pytest
from adjoint_cases import basin, cases_of, run_case

from ocean.backends import get_backend
from ocean.kernels import pressure as KP

#: float64 round-off of sums over a few hundred terms; measured ~1e-16
DOT_PRODUCT_TOLERANCE = 1e-12


@pytest.mark.parametrize("name", cases_of(KP))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel


def test_surface_pressure_operator_adjoint_is_the_operator():
    """The operator is symmetric: its adjoint for a launch on a box is the operator itself
    applied to out_adj set to 0 outside the box, on the box widened by one cell."""
    m, b = basin(), get_backend("cpu")
    coefs = [b.asarray(b.to_host(getattr(m.external, n)).copy())
             for n in ("coef_e", "coef_n", "fs_coef")]  # fmt: skip
    box = m.grid.box(k1=1)
    wide = (0, 1, box[2] - 1, box[3] + 1, box[4] - 1, box[5] + 1)
    inside = (slice(0, 1), slice(box[2], box[3]), slice(box[4], box[5]))
    y = np.random.default_rng(3).standard_normal((1, *m.grid.shape2))
    y_box = np.zeros_like(y)
    y_box[inside] = y[inside]
    p_adj, expected = b.zeros(y.shape), b.zeros(y.shape)
    b.launch(KP.surface_pressure_operator_adj, wide, *coefs, p_adj, b.asarray(y), box)
    b.launch(KP.surface_pressure_operator, wide, b.asarray(y_box), *coefs, expected)
    p_adj, expected = b.to_host(p_adj), b.to_host(expected)
    assert np.count_nonzero(expected) > np.count_nonzero(y_box) // 2  # wet cells
    scale = np.max(np.abs(expected))
    np.testing.assert_allclose(p_adj, expected, rtol=0, atol=1e-14 * scale)

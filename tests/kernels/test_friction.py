"""kernels/friction.py: the adjoints of the friction kernels (dot-product tests)."""

import numpy as np
import pytest
from adjoint_cases import CASES, basin, cases_of, full_args, run_case, run_case_by_input

from ocean.adjoint.launch import launch_adjoint
from ocean.backends import get_backend
from ocean.kernels import friction as KF
from ocean.kernels.core import ADJOINTS

#: float64 round-off of sums over a few hundred terms; measured ~1e-16
DOT_PRODUCT_TOLERANCE = 1e-12


@pytest.mark.parametrize("name", cases_of(KF))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel


#: inputs a case leaves unused (derivative exactly 0 both ways)
UNUSED = {"biharmonic=False": ("lap_u", "lap_v", "bu_x", "bu_y", "bv_x", "bv_y")}


@pytest.mark.parametrize("name", cases_of(KF))
def test_adjoint_dot_product_per_input(name):
    unused = [n for flag, names in UNUSED.items() if flag in name for n in names]
    for n, r in run_case_by_input(name, get_backend("cpu")).items():
        lhs, rhs = r.forward, r.adjoint
        if n in unused:
            assert lhs == 0.0 and rhs == 0.0, (name, n, lhs, rhs)
            continue
        assert lhs != 0.0, (name, n)  # the input's path was exercised
        assert r.relative_error <= DOT_PRODUCT_TOLERANCE, (name, n, lhs, rhs)


def test_quadratic_drag_adjoint_at_rest():
    """At rest (speed 0) u*speed has derivative 0: the adjoint is finite and equals the
    one without quadratic drag (the documented subgradient is the derivative there)."""
    name = f"{KF.__name__}.explicit_friction[biharmonic=True,quadratic=True]"
    kernel, func = CASES[name]
    model, backend = basin(), get_backend("cpu")
    region, given = func(model, np.random.default_rng(1))
    spec = ADJOINTS[kernel]
    ybar = np.random.default_rng(2).standard_normal(model.grid.shape3)
    results = []
    for r_quad in (2e-3, 0.0):
        given.update(u=np.zeros(model.grid.shape3), v=np.zeros(model.grid.shape3))
        given["r_quad_bot"] = r_quad
        args = full_args(kernel, model, given)
        adjoints = {n: np.zeros(model.grid.shape3) for n in spec.reads + spec.scalars + spec.rows}
        adjoints.update(du_mix=ybar.copy(), dv_mix=ybar.copy())
        launch_adjoint(backend, spec, region, args, adjoints)
        results.append(adjoints)
    with_quad, without = results
    assert np.count_nonzero(with_quad["r_bot"]) == 0  # -u = 0 at rest
    for n in ("u", "v", "r_quad_bot"):
        assert np.all(np.isfinite(with_quad[n])), n
        np.testing.assert_array_equal(with_quad[n], without[n], err_msg=n)

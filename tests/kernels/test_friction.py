"""kernels/friction.py: the adjoints of the friction kernels (dot-product tests)."""

import numpy as np
import pytest
from adjoint_cases import CASES, basin, cases_of, full_args, run_case

from ocean.adjoint.dual import jvp
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


def per_input_dot_products(name, seed=0):
    """The dot-product test of case ``name`` one active input at a time: {input: (<J_n dx_n,
    ybar>, <dx_n, J_n^T ybar>)}. In the whole test, terms of very different sizes add up
    (du_mix's identity dwarfs the friction, a viscosity row's derivative is ~1e-11 of
    it); here each input's adjoint is checked to round-off on its own."""
    kernel, func = CASES[name]
    model, backend = basin(), get_backend("cpu")
    rng = np.random.default_rng(seed)
    region, given = func(model, rng)
    args = full_args(kernel, model, given)
    spec = ADJOINTS[kernel]
    active = spec.reads + spec.updates + spec.scalars + spec.rows
    directions = {
        n: rng.standard_normal(np.shape(args[n])) if isinstance(args[n], np.ndarray)
        else rng.normal() for n in active
    }  # fmt: skip
    ybar = {n: rng.standard_normal(args[n].shape) for n in spec.outputs}

    values = {n: v.copy() if isinstance(v, np.ndarray) else v for n, v in args.items()}
    backend.launch(kernel, region, *(values[n] for n in kernel.arg_names))
    for n in spec.updates:  # updates enter at their old values
        values[n] = args[n].copy()
    first = args[spec.outputs[0]].shape
    adjoints = {n: np.zeros(np.shape(args[n])) for n in spec.reads}
    adjoints.update({n: ybar[n].copy() for n in spec.outputs})
    adjoints.update({n: np.zeros(first) for n in spec.scalars + spec.rows})
    launch_adjoint(backend, spec, region, values, adjoints)

    out = {}
    for n in active:
        tangents = jvp(kernel, region, args, {n: directions[n]}, spec.outputs, spec.scratch)
        lhs = sum(float(np.sum(tangents[o] * ybar[o])) for o in spec.outputs)
        if n in spec.scalars:
            rhs = directions[n] * float(np.sum(adjoints[n]))
        elif n in spec.rows:
            rhs = float(np.sum(directions[n] * np.sum(adjoints[n], axis=(0, -1))))
        else:
            rhs = float(np.sum(directions[n] * adjoints[n]))
        out[n] = (lhs, rhs)
    return out


#: inputs a case leaves unused (derivative exactly 0 both ways)
UNUSED = {"biharmonic=False": ("lap_u", "lap_v", "bu_x", "bu_y", "bv_x", "bv_y")}


@pytest.mark.parametrize("name", cases_of(KF))
def test_adjoint_dot_product_per_input(name):
    unused = [n for flag, names in UNUSED.items() if flag in name for n in names]
    for n, (lhs, rhs) in per_input_dot_products(name).items():
        if n in unused:
            assert lhs == 0.0 and rhs == 0.0, (name, n, lhs, rhs)
            continue
        assert lhs != 0.0, (name, n)  # the input's path was exercised
        error = abs(lhs - rhs) / max(abs(lhs), abs(rhs))
        assert error <= DOT_PRODUCT_TOLERANCE, (name, n, lhs, rhs)


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

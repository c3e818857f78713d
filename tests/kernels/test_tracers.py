"""kernels/tracers.py: the adjoints of the explicit tracer step (diffusion, Adams-Bashforth,
sponge) and of the implicit vertical mixing with surface forcing (dot-product tests)."""

import numpy as np
import pytest
from adjoint_cases import CASES, basin, cases_of, full_args, run_case

from ocean.adjoint.dual import jvp
from ocean.adjoint.launch import launch_adjoint
from ocean.backends import get_backend
from ocean.kernels import tracers as KT
from ocean.kernels.core import ADJOINTS

#: float64 round-off of sums over a few hundred terms (as test_pressure.py)
DOT_PRODUCT_TOLERANCE = 1e-12


def dot_products_by_input(name, backend, seed=0):
    """The dot-product test of case ``name`` one differentiable input at a time: {input:
    (<J_x dx, ybar>, <dx, J_x^T ybar>)}. The sum over inputs (run_case) tests a small
    Jacobian (the diffusion beside the identity, t beside w in the advection) only as
    sharply as its share of the sum; here each is tested on its own."""
    kernel, func = CASES[name]
    spec = ADJOINTS[kernel]
    rng = np.random.default_rng(seed)
    region, given = func(basin(), rng)
    args = full_args(kernel, basin(), given)
    active = spec.reads + spec.updates + spec.scalars
    dx = {n: rng.standard_normal(np.shape(args[n])) for n in active}
    ybar = {n: rng.standard_normal(args[n].shape) for n in spec.outputs}
    dev = {
        n: backend.asarray(v.copy()) if isinstance(v, np.ndarray) else v for n, v in args.items()
    }
    backend.launch(kernel, region, *(dev[n] for n in kernel.arg_names))
    for n in spec.updates:  # their old values
        dev[n] = backend.asarray(args[n].copy())
    adj = {n: backend.zeros(np.shape(args[n])) for n in spec.reads}
    adj.update({n: backend.asarray(ybar[n].copy()) for n in spec.outputs})
    adj.update({n: backend.zeros(args[spec.outputs[0]].shape) for n in spec.scalars})
    launch_adjoint(backend, spec, region, dev, adj)
    backend.synchronize()
    out = {}
    for n in active:
        tangents = jvp(kernel, region, args, {n: dx[n]}, spec.outputs, spec.scratch)
        lhs = sum(float(np.sum(tangents[o] * ybar[o])) for o in spec.outputs)
        got = backend.to_host(adj[n])
        rhs = float(dx[n] * np.sum(got)) if n in spec.scalars else float(np.sum(dx[n] * got))
        out[n] = (lhs, rhs)
    return out


def relative(lhs, rhs):
    return abs(lhs - rhs) / max(abs(lhs), abs(rhs), np.finfo(float).tiny)


@pytest.mark.parametrize("name", cases_of(KT))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel


@pytest.mark.parametrize("name", cases_of(KT))
def test_adjoint_dot_product_by_input(name):
    for x, (lhs, rhs) in dot_products_by_input(name, get_backend("cpu")).items():
        assert relative(lhs, rhs) <= DOT_PRODUCT_TOLERANCE, (name, x, lhs, rhs)

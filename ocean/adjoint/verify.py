"""The dot-product test of a kernel's hand-written adjoint.

For a kernel y = f(x) with tangent-linear J (from :mod:`ocean.adjoint.dual`, exact) and
adjoint J^T (the registered ``*_adj`` kernel, compiled by a backend), random dx and ybar
must give <J dx, ybar> = <dx, J^T ybar> to round-off. In-place outputs count on both
sides (their old values are inputs), scalar arguments through their summed contributions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ocean.kernels.core import ADJOINTS

from .dual import jvp
from .launch import launch_adjoint


@dataclass
class DotProduct:
    forward: float  # <J dx, ybar>
    adjoint: float  # <dx, J^T ybar>
    scalar_gradients: dict = field(default_factory=dict)  # of a whole step, by (kernel, arg)

    @property
    def relative_error(self) -> float:
        scale = max(abs(self.forward), abs(self.adjoint), np.finfo(float).tiny)
        return abs(self.forward - self.adjoint) / scale


def dot_product_test(backend, forward, region, args: dict, seed: int = 0, inputs=None):
    """Run the dot-product test of ``forward``'s adjoint at the point ``args`` (host arrays
    and scalars by argument name) for a launch on ``region``; a :class:`DotProduct`.
    ``inputs``: perturb only these differentiable inputs (default: all of them)."""
    spec = ADJOINTS[forward]
    spec.check_complete()
    rng = np.random.default_rng(seed)

    def random_like(x):
        return rng.standard_normal(np.shape(x)) if isinstance(x, np.ndarray) else rng.normal()

    active = spec.reads + spec.updates + spec.scalars + spec.rows
    directions = {n: random_like(args[n]) for n in active}
    if inputs is not None:
        unknown = set(inputs) - set(active)
        if unknown:
            raise ValueError(f"{forward.name} has no differentiable inputs {sorted(unknown)}")
        directions = {n: d for n, d in directions.items() if n in inputs}
    ybar = {n: rng.standard_normal(args[n].shape) for n in spec.outputs}
    tangents = jvp(forward, region, args, directions, spec.outputs, spec.scratch)
    lhs = sum(float(np.sum(tangents[n] * ybar[n])) for n in spec.outputs)

    xp_args = {
        n: backend.asarray(v.copy()) if isinstance(v, np.ndarray) else v for n, v in args.items()
    }
    forward_out = {n: xp_args[n] for n in spec.writes}
    backend.launch(forward, region, *(xp_args[n] for n in forward.arg_names))
    adjoints = {n: backend.zeros(np.shape(args[n])) for n in spec.reads}
    adjoints.update({n: backend.asarray(ybar[n].copy()) for n in spec.outputs})
    first = args[spec.outputs[0]].shape
    adjoints.update({n: backend.zeros(first) for n in spec.scalars + spec.rows})
    # updates enter at their old values: restore them after the forward launch above
    for n in spec.updates:
        xp_args[n] = backend.asarray(args[n])
    assert all(forward_out[n] is xp_args[n] for n in spec.writes)
    # work arrays start as NaN: an adjoint reading an entry it did not write shows up
    shape = args[spec.outputs[0]].shape
    work = {(n, c, shape): backend.asarray(np.full((c, *shape), np.nan)) for n, c in spec.work}
    launch_adjoint(backend, spec, region, xp_args, adjoints, work)
    backend.synchronize()
    rhs = 0.0
    for n in spec.reads + spec.updates:
        if n in directions:
            rhs += float(np.sum(directions[n] * backend.to_host(adjoints[n])))
    for n in spec.scalars:
        if n in directions:
            rhs += directions[n] * float(np.sum(backend.to_host(adjoints[n])))
    for n in spec.rows:
        if n not in directions:
            continue
        per_row = np.sum(backend.to_host(adjoints[n]), axis=(0, -1))
        rhs += float(np.sum(directions[n] * per_row))
    return DotProduct(lhs, rhs)


def dot_products_by_input(backend, forward, region, args: dict, seed: int = 0) -> dict:
    """The dot-product test one differentiable input at a time: {input: DotProduct}. In
    the sum over inputs a small Jacobian (diffusion beside an identity, a viscosity row's
    derivative) is tested only as sharply as its share; here each on its own."""
    spec = ADJOINTS[forward]
    active = spec.reads + spec.updates + spec.scalars + spec.rows
    return {n: dot_product_test(backend, forward, region, args, seed, inputs=(n,)) for n in active}


def step_dot_product(model, seed: int = 0, parameters=()) -> DotProduct:
    """The dot-product test of one whole recorded step of ``model``: random directions on
    every state array (all time levels, halos included) and on the scalar ``parameters``
    ((kernel, argument) pairs), the tangent-linear replayed on dual numbers from a
    recording that keeps every value, the adjoint run backwards on a second recording of
    the same step that keeps only what the adjoints read (as rollouts do). The sums are
    this rank's: add them over the ranks."""
    from .rollout import Snapshot
    from .tape import Tape

    start = Snapshot(model)
    full = Tape(model, keep_all=True)
    with full.record():
        model.step()
    start.restore(model)
    tape = Tape(model)
    with tape.record():
        model.step()
    rng = np.random.default_rng(seed)
    arrays = model.state.arrays
    dx = {n: rng.standard_normal(a.shape) for n, a in arrays.items()}
    ybar = {n: rng.standard_normal(a.shape) for n, a in arrays.items()}
    host = model.backend.to_host
    for name, arr in arrays.items():
        full.tangents.of(arr)[...] = model.backend.asarray(dx[name])
    for key in parameters:
        full.scalar_directions[key] = rng.normal()
    full.forward_tangent()
    forward = sum(float(np.sum(host(full.tangents.of(a)) * ybar[n])) for n, a in arrays.items())
    for name, arr in arrays.items():
        tape.adjoints.of(arr)[...] = model.backend.asarray(ybar[name])
    tape.backward()
    adjoint = sum(float(np.sum(dx[n] * host(tape.adjoints.of(a)))) for n, a in arrays.items())
    for key in parameters:
        adjoint += full.scalar_directions[key] * tape.scalar_gradients.get(key, 0.0)
    return DotProduct(forward, adjoint, dict(tape.scalar_gradients))

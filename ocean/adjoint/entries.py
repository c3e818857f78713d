"""Entries of a recorded step: each knows its adjoint (``backward``) and, for the tests,
its exact tangent-linear (``tangent``, kernels on dual numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from .dual import jvp
from .launch import launch_adjoint


def is_array(x) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype") and getattr(x, "ndim", 0) > 0


def _output_box(kernel, region, arr):
    """The slices of ``arr`` a launch on ``region`` writes."""
    if kernel.column:
        j0, j1, i0, i1 = region
        return (slice(j0, j1), slice(i0, i1)) if arr.ndim == 2 else (
            slice(None), slice(j0, j1), slice(i0, i1))  # fmt: skip
    k0, k1, j0, j1, i0, i1 = region
    return (slice(k0, k1), slice(j0, j1), slice(i0, i1))


@dataclass(eq=False)
class KernelEntry:
    spec: object
    region: tuple
    names: tuple
    values: list  # as launched; inputs later overwritten are replaced by copies
    views: list  # the live arrays (their shadows hold the adjoints)

    def named(self, which):
        return {n: which[self.names.index(n)] for n in self.names}

    def backward(self, tape):
        spec, b, shadows = self.spec, tape.backend, tape.adjoints
        values, views = self.named(self.values), self.named(self.views)
        adj = {n: shadows.of(views[n]) for n in spec.reads + spec.updates + spec.writes}
        first = views[spec.outputs[0]]
        cells = {n: b.zeros(first.shape) for n in spec.scalars + spec.rows}
        adj.update(cells)
        launch_adjoint(b, spec, self.region, values, adj, tape.work)
        for n in spec.scalars:
            key = (spec.forward.name, n)
            tape.scalar_gradients[key] = tape.scalar_gradients.get(key, 0.0) + float(
                b.xp.sum(cells[n])
            )
        for n in spec.rows:
            per_row = cells[n].sum(axis=(0, cells[n].ndim - 1)) if cells[n].ndim == 3 else (
                cells[n].sum(axis=-1))  # fmt: skip
            shadows.of(views[n])[...] += per_row
        for n in spec.writes:
            adj[n][_output_box(spec.forward, self.region, adj[n])] = 0.0

    def tangent(self, tape):
        spec, tangents = self.spec, tape.tangents
        values, views = self.named(self.values), self.named(self.views)
        host = {n: tape.backend.to_host(v) if is_array(v) else v for n, v in values.items()}
        directions = {}
        for n in spec.reads + spec.updates:
            directions[n] = tape.backend.to_host(tangents.of(views[n]))
        for n in spec.scalars:
            directions[n] = tape.scalar_directions.get((spec.forward.name, n), 0.0)
        for n in spec.rows:
            directions[n] = tape.backend.to_host(tangents.of(views[n]))
        out = jvp(spec.forward, self.region, host, directions, spec.outputs, spec.scratch)
        for n in spec.writes:
            box = _output_box(spec.forward, self.region, out[n])
            tangents.of(views[n])[box] = tape.backend.asarray(out[n][box])
        for n in spec.updates:
            tangents.of(views[n])[...] = tape.backend.asarray(out[n])


@dataclass(eq=False)
class FillEntry:
    view: object

    def backward(self, tape):
        tape.adjoints.of(self.view)[...] = 0.0

    def tangent(self, tape):
        tape.tangents.of(self.view)[...] = 0.0


@dataclass(eq=False)
class CopyEntry:
    dst: object
    src: object

    def backward(self, tape):
        d, s = tape.adjoints.of(self.dst), tape.adjoints.of(self.src)
        s += d
        d[...] = 0.0

    def tangent(self, tape):
        tape.tangents.of(self.dst)[...] = tape.tangents.of(self.src)


@dataclass(eq=False)
class HaloEntry:
    fields: tuple

    def backward(self, tape):
        tape.model.halo.exchange_adjoint(*(tape.adjoints.of(f) for f in self.fields))

    def tangent(self, tape):
        tape.model.halo.exchange(*(tape.tangents.of(f) for f in self.fields))


@dataclass(eq=False)
class ClosureEntry:
    """A closure's call: outputs = c(fields at tau). Its adjoint is the closure's
    vector-Jacobian product, which adds to the fields' adjoints and to the closure's own
    parameter gradients."""

    closure: object
    fields: dict  # name -> copy of the field at tau when the closure ran
    views: dict  # name -> the live field (its shadow is the adjoint)
    outputs: dict  # name -> the closure's output array

    def backward(self, tape):
        output_adj = {n: tape.adjoints.of(a) for n, a in self.outputs.items()}
        input_adj = {n: tape.adjoints.of(v) for n, v in self.views.items()}
        self.closure.vjp(self.fields, output_adj, input_adj)
        for a in output_adj.values():
            a[...] = 0.0

    def tangent(self, tape):
        raise NotImplementedError(
            "the tangent-linear replay covers kernels only; closures are checked by their "
            "own VJP tests and the Taylor test of a rollout"
        )


@dataclass(eq=False)
class SolveEntry:
    """x = P N^-1 rhs: the surface-pressure solve (N symmetric), with P the removal of
    the area mean under the rigid lid. The first guess in x does not matter at
    convergence, so its adjoint is zero."""

    rhs: object
    x: object

    def backward(self, tape):
        """The solve writes x on the wet interior only (land stays 0, the halo is the
        next entry's exchange) and reads rhs there: solve N y = x_adj on those cells."""
        m = tape.model
        solver = m.external
        x_adj, rhs_adj = tape.adjoints.of(self.x), tape.adjoints.of(self.rhs)
        x_adj *= m.dev.maskT[-1]
        if solver.rigid_lid:
            project_mean_adjoint(solver, x_adj)
        # first guess: the previous (later step's) adjoint solution, as the forward starts
        # from the previous pressure; the tape keeps it between steps (zero at first)
        y = solver_work(tape, "y")
        solver.solve(x_adj, y)
        j0, j1, i0, i1 = m.grid.box2()
        rhs_adj[j0:j1, i0:i1] += y[j0:j1, i0:i1]
        x_adj[...] = 0.0

    def tangent(self, tape):
        solver = tape.model.external
        x_t = tape.tangents.of(self.x)
        x_t[...] = 0.0
        solver.solve(tape.tangents.of(self.rhs), x_t)
        if solver.rigid_lid:
            solver.remove_mean(x_t)


def project_mean_adjoint(solver, x_adj):
    """Adjoint of x <- (x - sum(a x)/A) m (the rigid lid's mean removal, a = masked
    area, m = wet mask), in place: x_adj <- m x_adj - a sum(m x_adj)/A."""
    m = solver.model
    mask = m.dev.maskT[-1]
    x_adj *= mask
    total = solver.dot(x_adj, m.backend.xp.ones_like(x_adj))
    x_adj -= solver.area * (total / solver.total_area)


def solver_work(tape, name):
    work = tape.work.get(name)
    if work is None:
        work = tape.work[name] = tape.backend.zeros(tape.model.grid.shape2)
    return work

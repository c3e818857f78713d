"""Jacobi-preconditioned conjugate gradient for the 2-D elliptic problems of the external
mode (the surface pressure, the barotropic streamfunction).

The operator is the 5-point stencil of ``kernels/pressure.surface_pressure_operator``:

    (N x)_c = sum over the 4 links of c_link (x_c - x_nb) + d_c x_c

with link coefficients ``coef_e`` (c to its east neighbour), ``coef_n`` (to its north
neighbour) and an extra diagonal ``diag`` (free-surface term, or Dirichlet links cut from
the stencil). Points where ``inv_diag`` is 0 are not unknowns: the solve never changes
them. Every dot product goes through ``model.comm`` (exact sums under
``reproducible_sums``); every halo through ``model.fill_halo``: the solver does not know
how the domain is decomposed.
"""

from __future__ import annotations

import math

import numpy as np

from ocean.backends.primitives import as3d
from ocean.errors import ModelError, SetupError
from ocean.kernels import pressure as KP

from .coarse import CoarseCorrection
from .direct import DirectSolver


def split_frame(box):
    """(inner, frame): the box less its one-cell frame (None if nothing is left), and the
    frame as four boxes (south and north rows, west and east columns between them)."""
    k0, k1, j0, j1, i0, i1 = box
    if j1 - j0 < 3 or i1 - i0 < 3:
        return None, [box]
    inner = (k0, k1, j0 + 1, j1 - 1, i0 + 1, i1 - 1)
    frame = [
        (k0, k1, j0, j0 + 1, i0, i1),
        (k0, k1, j1 - 1, j1, i0, i1),
        (k0, k1, j0 + 1, j1 - 1, i0, i0 + 1),
        (k0, k1, j0 + 1, j1 - 1, i1 - 1, i1),
    ]
    return inner, frame


class ConjugateGradient:
    """Solves N x = rhs for the operator given by host arrays (coef_e, coef_n, diag,
    inv_diag); ``unknown`` marks the points solved for (the coarse correction's cells)."""

    #: what the solver is called in its error messages
    label = "elliptic"

    def __init__(self, model, coef_e, coef_n, diag, inv_diag, unknown, label=None):
        self.model = model
        self.label = label or self.label
        b = model.backend
        self.coef_e, self.coef_n, self.fs_coef, self.inv_diag = (
            b.asarray(a) for a in (coef_e, coef_n, diag, inv_diag)
        )
        shape = model.grid.shape2
        self.rhs, self.r, self.z, self.p, self.ap = (b.zeros(shape) for _ in range(5))
        self.inner_box, self.frame_boxes = split_frame(model.grid.box(k1=1))
        self.coarse = self.direct = None
        if model.settings.elliptic_solver == "direct":
            solvable = np.asarray(inv_diag) > 0
            if unknown is not None:
                solvable &= np.asarray(unknown, bool)
            self.direct = DirectSolver(model, coef_e, coef_n, diag, solvable, self.label)
        elif model.settings.congr_coarse_tile > 0:
            if b.xp is not np:
                raise SetupError(
                    "congr_coarse_tile > 0 (the PCG coarse correction) runs on host arrays "
                    "only; use the cpu backend or congr_coarse_tile 0"
                )
            tile = model.settings.congr_coarse_tile
            self.coarse = CoarseCorrection(model, coef_e, coef_n, diag, tile, unknown)
        self.iterations = 0
        self.reproducible = model.settings.reproducible_sums

    def apply(self, x, out):
        """out = N x. The halo exchange of x overlaps the cells that do not need it; the
        one-cell frame along the block's edges follows when the halo has arrived."""
        m = self.model
        if not m.halo.remote:  # nothing to wait for: one launch over the whole box
            m.fill_halo(x)
            self._operator(x, out, m.grid.box(k1=1))
            return
        with m.timers("halo"):
            m.halo.start(x)
        inner, frame = self.inner_box, self.frame_boxes
        if inner is not None:
            self._operator(x, out, inner)
        with m.timers("halo"):
            m.halo.finish()
        for box in frame:
            self._operator(x, out, box)

    def _operator(self, x, out, box):
        self.model.backend.launch(
            KP.surface_pressure_operator, box,
            as3d(x), self.coef_e, self.coef_n, self.fs_coef, as3d(out),
        )  # fmt: skip

    def dot(self, a, b):
        return self.dots((a, b))[0]

    def dots(self, *pairs):
        """Global sums of a*b over the interior for each pair (a, b), in one message: exact
        (the same on any decomposition) under ``reproducible_sums``, else plain sums per
        block and across ranks."""
        m = self.model
        box, b = m.grid.box2(), m.backend
        with m.timers("reduction"):
            if self.reproducible:
                try:
                    local = np.stack([b.dot2_exact(x, y, box) for x, y in pairs])
                except FloatingPointError:
                    self._blown_up()
                return m.comm.exact_sums(local)
            return m.comm.allreduce_sums([b.dot2(x, y, box) for x, y in pairs])

    def _blown_up(self):
        """The solve met NaN or inf: name the field and place if the state at tau already
        holds them (the monitor's check), else say that this step's predictor does."""
        m = self.model
        m.monitor.check()
        raise ModelError(
            f"the {self.label} solve met non-finite values at step {m.state.itt} (model "
            f"time {m.state.time:.0f} s): this step's momentum predictor u*, v* is not "
            "finite, the flow is blowing up; reduce the time step or check viscosity and closures"
        )

    def solve(self, rhs, x) -> int:
        """Solve N x = rhs in place (x holds the first guess); return the iterations (1
        for the direct solver)."""
        m = self.model
        if self.direct is not None:
            self.direct.solve(rhs, x, m.backend)
            return 1
        s, b, box = m.settings, m.backend, m.grid.box(k1=1)
        r, z, p, ap = self.r, self.z, self.p, self.ap
        bnorm = math.sqrt(self.dot(rhs, rhs))
        if bnorm == 0.0:
            b.fill(x, 0.0)
            return 0
        self.apply(x, ap)
        b.launch(KP.cg_residual, box, as3d(rhs), as3d(ap), self.inv_diag, as3d(r), as3d(z))
        if self.coarse is not None:
            self.coarse.add_to(r, z)
        b.copy(p, z)
        rz = self.dot(r, z)
        tol = s.congr_epsilon * bnorm
        for it in range(1, s.congr_max_iterations + 1):
            self.apply(p, ap)
            pap = self.dot(p, ap)
            if not pap > 0.0:
                if math.sqrt(self.dot(r, r)) <= tol:
                    return it - 1
                raise ModelError(
                    f"{self.label} solver broke down at iteration {it} (p.Ap = {pap:.3e}) "
                    f"at step {m.state.itt}"
                )
            alpha = rz / pap
            b.launch(KP.cg_step, box, as3d(x), as3d(r), as3d(p), as3d(ap), alpha,
                     self.inv_diag, as3d(z))  # fmt: skip
            if self.coarse is not None:
                self.coarse.add_to(r, z)
            rr, rz_new = self.dots((r, r), (r, z))
            if math.sqrt(rr) <= tol:
                return it
            b.launch(KP.cg_direction, box, as3d(z), rz_new / rz, as3d(p))
            rz = rz_new
        raise ModelError(
            f"{self.label} solver did not reach relative residual {s.congr_epsilon:g} in "
            f"{s.congr_max_iterations} iterations at step {m.state.itt} (model time "
            f"{m.state.time:.0f} s); raise congr_max_iterations or check the time step"
        )

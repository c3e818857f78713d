"""External mode: surface pressure by a Jacobi-preconditioned conjugate gradient.

The operator and its coefficients are described in ``kernels/pressure.py``. Every dot
product goes through ``model.comm`` (exact sums under ``reproducible_sums``); every halo
through ``model.fill_halo``: the solver itself does not know how the domain is decomposed.
"""

from __future__ import annotations

import math

import numpy as np

from ocean.backends.primitives import as3d
from ocean.errors import ModelError, SetupError
from ocean.kernels import pressure as KP

from .coarse import CoarseCorrection


def operator_coefficients(grid, settings):
    """Host arrays (coef_e, coef_n, fs_coef, inv_diag) of the area-weighted, negated operator."""
    mT = grid.maskT[-1]
    hu, hv = grid.hu, grid.hv
    coef_e = np.zeros(grid.shape2)
    coef_n = np.zeros(grid.shape2)
    coef_e[:, :-1] = (
        mT[:, :-1] * mT[:, 1:] * hu[:, :-1] * grid.dyt_m[:, None]
        / (grid.dxu_m[None, :-1] * grid.cost[:, None])
    )  # fmt: skip
    coef_n[:-1, :] = (
        mT[:-1, :] * mT[1:, :] * hv[:-1, :] * grid.cosu[:-1, None] * grid.dxt_m[None, :]
        / grid.dyu_m[:-1, None]
    )  # fmt: skip
    grid.exchange_host(coef_e, coef_n)  # the last column/row needs the neighbour's mask
    if settings.external_mode == "free_surface":
        fs = grid.area_t * mT / (settings.grav * settings.dt_mom * settings.dt_tracer)
    else:
        fs = np.zeros(grid.shape2)
    diag = fs.copy()
    diag[:, 1:] += coef_e[:, :-1]
    diag += coef_e
    diag[1:, :] += coef_n[:-1, :]
    diag += coef_n
    inv_diag = np.where((mT > 0) & (diag > 0), 1.0 / np.where(diag > 0, diag, 1.0), 0.0)
    return coef_e, coef_n, fs, inv_diag


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


class SurfacePressure:
    def __init__(self, model):
        self.model = model
        b = model.backend
        arrays = operator_coefficients(model.grid, model.settings)
        self.coef_e, self.coef_n, self.fs_coef, self.inv_diag = (b.asarray(a) for a in arrays)
        shape = model.grid.shape2
        self.rhs, self.r, self.z, self.p, self.ap = (b.zeros(shape) for _ in range(5))
        self.inner_box, self.frame_boxes = split_frame(model.grid.box(k1=1))
        self.coarse = None
        if model.settings.congr_coarse_tile > 0:
            if b.xp is not np:
                raise SetupError(
                    "congr_coarse_tile > 0 (the PCG coarse correction) runs on host arrays "
                    "only; use the cpu backend or congr_coarse_tile 0"
                )
            self.coarse = CoarseCorrection(model, *arrays[:3], model.settings.congr_coarse_tile)
        self.iterations = 0
        self.rigid_lid = model.settings.external_mode == "rigid_lid"
        self.reproducible = model.settings.reproducible_sums
        self.area = b.asarray(model.grid.area_t * model.grid.maskT[-1])
        self.total_area = self.dot(self.area, b.asarray(np.ones(shape)))

    def step(self):
        with self.model.timers("solver"):
            self._step()

    def _step(self):
        """psi[taup1] from u*, v*; then u, v[taup1] corrected by its gradient."""
        m = self.model
        st, s, d, b = m.state, m.settings, m.dev, m.backend
        psi_new = st.psi[st.taup1]
        b.launch(
            KP.surface_pressure_rhs, m.grid.box2(),
            st.u[st.taup1], st.v[st.taup1], d.maskU, d.maskV, d.maskT, st.psi[st.tau],
            d.dxt, d.dyt, d.dzt, d.cost, d.cosu, d.area_t, s.dt_mom, self.fs_coef,
            self.rhs, psi_new, st.psi[st.taum1], st.itt == 0,
        )  # fmt: skip
        self.iterations = self.solve(self.rhs, psi_new)
        if self.rigid_lid:
            self.remove_mean(psi_new)
        m.fill_halo(psi_new)
        if st.itt == 0:
            for level in (st.tau, st.taum1):
                b.copy(st.psi[level], psi_new)
        b.launch(
            KP.surface_pressure_correction, m.grid.box(),
            psi_new, d.maskU, d.maskV, d.dxu, d.dyu, d.cost, s.dt_mom,
            st.u[st.taup1], st.v[st.taup1],
        )  # fmt: skip
        m.fill_halo(st.u[st.taup1], st.v[st.taup1])

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
            f"the surface-pressure solve met non-finite values at step {m.state.itt} (model "
            f"time {m.state.time:.0f} s): this step's momentum predictor u*, v* is not "
            "finite, the flow is blowing up; reduce the time step or check viscosity and closures"
        )

    def solve(self, rhs, x) -> int:
        """Solve N x = rhs in place (x holds the first guess); return the iterations."""
        m = self.model
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
                    f"surface-pressure solver broke down at iteration {it} (p.Ap = {pap:.3e}) "
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
            f"surface-pressure solver did not reach relative residual {s.congr_epsilon:g} in "
            f"{s.congr_max_iterations} iterations at step {m.state.itt} (model time "
            f"{m.state.time:.0f} s); raise congr_max_iterations or check the time step"
        )

    def remove_mean(self, x):
        """Rigid lid: the pressure is defined up to a constant; fix its area mean to 0."""
        m = self.model
        mean = self.dot(x, self.area) / self.total_area
        m.backend.launch(KP.subtract_constant, m.grid.box(k1=1), as3d(x), mean, m.dev.maskT)

"""External mode: surface pressure by a Jacobi-preconditioned conjugate gradient.

The operator and its coefficients are described in ``kernels/pressure.py``; the solver
(``pcg.py``) does not know how the domain is decomposed.
"""

from __future__ import annotations

import numpy as np

from ocean.backends.primitives import as3d
from ocean.kernels import pressure as KP

from .pcg import ConjugateGradient


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


class SurfacePressure(ConjugateGradient):
    label = "surface-pressure"

    def __init__(self, model):
        arrays = operator_coefficients(model.grid, model.settings)
        super().__init__(model, *arrays, unknown=model.grid.maskT[-1] > 0)
        b, shape = model.backend, model.grid.shape2
        self.rigid_lid = model.settings.external_mode == "rigid_lid"
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

    def remove_mean(self, x):
        """Rigid lid: the pressure is defined up to a constant; fix its area mean to 0."""
        m = self.model
        mean = self.dot(x, self.area) / self.total_area
        m.backend.launch(KP.subtract_constant, m.grid.box(k1=1), as3d(x), mean, m.dev.maskT)

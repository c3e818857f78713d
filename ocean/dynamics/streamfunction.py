"""External mode: the barotropic streamfunction with island integrals (rigid lid), the
default method of pyOM2 and Veros (``external_mode = "streamfunction"``).

Each step (Veros's solve_streamfunction, in its order):

1. the depth average (ubar, vbar) of the momentum tendency du[tau] + du_mix (du holds the
   hydrostatic pressure gradient), and the right-hand side: its curl at the corners;
2. the interior tendency dpsi_0: the elliptic solve with dpsi = 0 on every coast
   (``kernels/streamfunction.py``);
3. with more than one land mass, the coast values: land mass 1 keeps psi = 0; for the
   others, dpsi = dpsi_0 + sum_n r_n psi_n, with psi_n the harmonic function that is 1 on
   the coast of land mass n and 0 on the others (solved once at set-up), and the rates r_n
   such that the circulation of (ubar, vbar) - (velocity of dpsi) round each land mass
   vanishes (no net pressure torque round an island): a small dense system of the
   island integrals (``islands.py``);
4. psi[tau+1] = psi[tau] + dt_mom AB2(dpsi), and u, v[tau+1]: the predictor u*, v* with
   its depth average replaced by the velocity of psi[tau+1].

dpsi is stored with the islands' parts included: AB2 is linear, so this equals Veros's
separate interior and island histories. The transport and the pressure-method transport
are the same orthogonal projection; the barotropic mode of this method is exactly
non-divergent (to round-off, not to the solver's tolerance).
"""

from __future__ import annotations

import numpy as np

from ocean.errors import SetupError
from ocean.io.gather import gather_with_halo
from ocean.kernels import streamfunction as KS

from . import islands as ISL
from .pcg import ConjugateGradient


def reciprocal_depth(h):
    """1/H where H > 0, else 0 (Veros's hur, hvr)."""
    return np.where(h > 0, 1.0 / np.where(h > 0, h, 1.0), 0.0)


def unknown_corners(grid):
    """Interior corners whose four T cells are wet: where the solve finds dpsi."""
    wet = grid.maskT[-1] > 0
    corner = np.zeros(wet.shape, dtype=bool)
    corner[:-1, :-1] = wet[:-1, :-1] & wet[:-1, 1:] & wet[1:, :-1] & wet[1:, 1:]
    inside = np.zeros_like(corner)
    inside[grid.interior] = True
    return corner, corner & inside


def corner_couplings(grid, hur, hvr):
    """Area-weighted couplings (c_e, c_n) of the negated operator: c_e links corner (j, i)
    to (j, i+1): dyu / (H_v dxt cos_u) at the V point between them; c_n links (j, i) to
    (j+1, i): cos_t dxu / (H_u dyt) at the U point between them [m2 s-1 per m ... : 1/m]."""
    c_e = np.zeros(grid.shape2)
    c_n = np.zeros(grid.shape2)
    c_e[:, :-1] = hvr[:, 1:] * grid.dyu_m[:, None] / (grid.dxt_m[None, 1:] * grid.cosu[:, None])
    c_n[:-1, :] = hur[1:, :] * grid.cost[1:, None] * grid.dxu_m[None, :] / grid.dyt_m[1:, None]
    return c_e, c_n


def dirichlet_operator(c_e, c_n, solvable, unknown):
    """(coef_e, coef_n, diag, inv_diag) with every link to a coast corner cut from the
    stencil and kept on the unknown end's diagonal (dpsi = 0 on coasts)."""
    both_e = solvable[:, :-1] & solvable[:, 1:]
    both_n = solvable[:-1, :] & solvable[1:, :]
    coef_e, coef_n = np.zeros_like(c_e), np.zeros_like(c_n)
    coef_e[:, :-1] = c_e[:, :-1] * both_e
    coef_n[:-1, :] = c_n[:-1, :] * both_n
    total = c_e.copy()
    total[:, 1:] += c_e[:, :-1]
    total += c_n
    total[1:, :] += c_n[:-1, :]
    kept = coef_e.copy()
    kept[:, 1:] += coef_e[:, :-1]
    kept += coef_n
    kept[1:, :] += coef_n[:-1, :]
    diag = np.where(solvable, total - kept, 0.0)
    inv_diag = np.where(unknown & (total > 0), 1.0 / np.where(total > 0, total, 1.0), 0.0)
    return coef_e, coef_n, diag, inv_diag


def coast_rhs(c_e, c_n, coast, unknown):
    """The right-hand side of the solve for a function that is 1 on ``coast``: the
    couplings of the unknown corners to coast corners."""
    rhs = np.zeros_like(c_e)
    rhs[:, :-1] += c_e[:, :-1] * coast[:, 1:]
    rhs[:, 1:] += c_e[:, :-1] * coast[:, :-1]
    rhs[:-1, :] += c_n[:-1, :] * coast[1:, :]
    rhs[1:, :] += c_n[:-1, :] * coast[:-1, :]
    return rhs * unknown


class StreamFunction:
    label = "streamfunction"

    def __init__(self, model):
        self.model = model
        g, b = model.grid, model.backend
        hur, hvr = reciprocal_depth(g.hu), reciprocal_depth(g.hv)
        self.hur, self.hvr = b.asarray(hur), b.asarray(hvr)
        solvable, unknown = unknown_corners(g)
        c_e, c_n = corner_couplings(g, hur, hvr)
        operator = dirichlet_operator(c_e, c_n, solvable, unknown)
        self.solver = ConjugateGradient(model, *operator, unknown=unknown, label=self.label)
        self.unknown = b.asarray(unknown.astype(float))
        shape = g.shape2
        self.ubar, self.vbar, self.ub, self.vb, self.interior = (b.zeros(shape) for _ in range(5))
        # the predictor's depth integrals that barotropic_velocity_update replaces
        self.depth_sums = (b.zeros(shape), b.zeros(shape))
        self.iterations = 0
        self._islands(c_e, c_n, unknown)

    # -- set-up: land masses, their harmonic functions and island integrals -------------
    def _islands(self, c_e, c_n, unknown):
        m = self.model
        g, b = m.grid, m.backend
        count, masks, WU, WV = global_land_masses(m)
        self.count = count
        window = local_window(g)
        others = range(1, count)  # land mass 1 (index 0) is the reference: psi = 0
        self.weights = [(b.asarray(WU[n][window]), b.asarray(WV[n][window])) for n in others]
        coasts = masks.any(axis=1)
        basis = np.zeros((max(count - 1, 1),) + g.shape2)
        for n in others:
            coast = coasts[n][window]
            rhs = coast_rhs(c_e, c_n, coast, unknown)
            x = b.zeros(g.shape2)
            self.solver.solve(b.asarray(rhs), x)
            m.fill_halo(x)
            basis[n - 1] = b.to_host(x) + coast  # x is 0 on coasts
        self.basis = b.asarray(basis)
        self.line_psin = self._island_integrals()

    def _island_integrals(self):
        """I[a, b]: circulation round land mass a+1 of the velocity of psi_{b+1}."""
        n = self.count - 1
        matrix = np.zeros((n, n))
        for col in range(n):
            self._velocity_of(self.basis[col])
            matrix[:, col] = self._circulations(self.ub, self.vb)
        return matrix

    def _velocity_of(self, psi):
        """(ub, vb): the depth-averaged velocity of ``psi`` on the interior, where the
        circulation weights live (no halo needed)."""
        m, d = self.model, self.model.dev
        m.backend.launch(
            KS.streamfunction_velocity, m.grid.box2(),
            psi, d.maskU, d.maskV, d.dxt, d.dyt, d.cosu, self.hur, self.hvr, self.ub, self.vb,
        )  # fmt: skip

    def _circulations(self, u, v, minus=None):
        """Circulation of (u, v) (less that of ``minus``) round each non-reference land mass."""
        pairs = []
        for WU, WV in self.weights:
            pairs += [(WU, u), (WV, v)]
            if minus is not None:
                pairs += [(WU, minus[0]), (WV, minus[1])]
        sums = np.asarray(self.solver.dots(*pairs)) if pairs else np.zeros(0)
        per = 4 if minus is not None else 2
        sums = sums.reshape(-1, per)
        return sums[:, 0] + sums[:, 1] - (sums[:, 2] + sums[:, 3] if minus is not None else 0)

    # -- the step -------------------------------------------------------------------------
    def step(self):
        with self.model.timers("solver"):
            self._step()

    def _step(self):
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        tau, taup1, taum1 = st.tau, st.taup1, st.taum1
        if st.itt == 0:
            self._check_at_rest()
        b.launch(
            KS.depth_mean_tendency, g.box2(),
            st.du[tau], st.dv[tau], st.du_mix, st.dv_mix, d.maskU, d.maskV, d.dzt,
            self.hur, self.hvr, self.ubar, self.vbar,
        )  # fmt: skip
        m.fill_halo(self.ubar, self.vbar)
        rhs, x = self.solver.rhs, self.interior
        b.launch(
            KS.streamfunction_rhs, g.box2(),
            self.ubar, self.vbar, self.unknown, d.dxu, d.dyu, d.cost,
            st.dpsi[tau], st.dpsi[taum1], rhs, x,
        )  # fmt: skip
        self.iterations = self.solver.solve(rhs, x)
        m.fill_halo(x)
        rates = self._island_rates(x)
        b.launch(
            KS.streamfunction_step, g.box2(g.h),
            x, self.basis, b.asarray(rates), s.dt_mom, 1.5 + s.AB_eps, 0.5 + s.AB_eps,
            st.dpsi[tau], st.streamfunction[tau], st.dpsi[taup1], st.streamfunction[taup1],
        )  # fmt: skip
        b.launch(
            KS.barotropic_velocity_update, g.box2(),
            st.streamfunction[taup1], d.maskU, d.maskV, d.dzt, d.dxt, d.dyt, d.cosu,
            self.hur, self.hvr, *self.depth_sums, st.u[taup1], st.v[taup1],
        )  # fmt: skip
        m.fill_halo(st.u[taup1], st.v[taup1])

    def _island_rates(self, interior):
        """r_n of the coast values: the island integrals of the forcing less those of the
        interior solution, solved with the matrix of the basis functions' integrals."""
        if self.count < 2:
            return np.zeros(1)
        self._velocity_of(interior)
        forcing = self._circulations(self.ubar, self.vbar, minus=(self.ub, self.vb))
        return np.linalg.solve(self.line_psin, forcing)

    def _check_at_rest(self):
        """The method starts from rest (or a restart that has psi): a velocity given by the
        set-up would need its barotropic part turned into psi, which is not done."""
        m = self.model
        st = m.state
        largest = max(m.backend.to_host(abs(st.u[st.tau])).max(),
                      m.backend.to_host(abs(st.v[st.tau])).max())  # fmt: skip
        largest = m.comm.allreduce_max(float(largest))
        psi = m.comm.allreduce_max(float(m.backend.to_host(abs(st.streamfunction[st.tau])).max()))
        if largest > 0.0 and psi == 0.0:
            raise SetupError(
                "external_mode 'streamfunction' starts from rest: the initial velocity is "
                f"not zero (max |u|, |v| = {largest:.3g} m/s) and psi is 0; start from rest "
                "or use external_mode 'free_surface' or 'rigid_lid'"
            )


def local_window(grid):
    """Index of this block's full array in a global array with halo."""
    h = grid.h
    return (slice(grid.j0, grid.j0 + grid.ny + 2 * h), slice(grid.i0, grid.i0 + grid.nx + 2 * h))


def global_land_masses(model):
    """(count, path masks, WU, WV) of the land masses on the global grid with halo (see
    ``islands.py``), found on rank 0 from the surface mask and sent to every rank."""
    g, comm = model.grid, model.comm
    wet = gather_with_halo(model, g.maskT[-1])
    result = None
    if comm.rank == 0:
        land = wet == 0
        labels, count = ISL.label_land_masses(land, g.h, g.periodic_x)
        masks = ISL.path_masks(labels, count, g.h, g.periodic_x)
        WU, WV = ISL.circulation_weights(
            masks, g.h, g.periodic_x, g.dxu_global_m, g.dyu_global_m, g.cost_global
        )
        if g.periodic_x:  # the coasts in the halo too (after the weights: counted once)
            nx, h = g.nx_global, g.h
            masks[..., :h] = masks[..., nx : nx + h]
            masks[..., h + nx :] = masks[..., h : 2 * h]
        result = (count, masks, WU, WV)
    return comm.bcast(result)

"""Coarse-graining C-grid fields by an integer factor, and the model's own momentum advection.

Fine cell (j, i) lies in coarse cell (J, I) = (j // f, i // f); f = 2 takes the 25 km double
gyre (80 x 80) to the 50 km grid (40 x 40). The coarse-graining operator C is a
**transport-conserving face average** (a top-hat filter across each coarse face, then
sampling at the coarse faces):

- u on the east face of coarse cell (J, I) is the mean of the f fine u on the fine east
  faces that make up that coarse face, those of fine cells (fJ + a, fI + f - 1):

      u_c[k, J, I] = (1/f) sum_{a=0}^{f-1} u_f[k, fJ + a, fI + f - 1]          [m s-1]

  so the coarse transport dy_c dz u_c equals the sum of the fine transports dy_f dz u_f;
- v on the north face likewise: v_c[k, J, I] = (1/f) sum_a v_f[k, fJ + f - 1, fI + a];
- T-point fields (temp, salt, psi): the mean over the f x f fine cells (equal areas).

Normal to a face the filter is a sample, not an average: structure inside a coarse cell is
not smoothed, which makes the subgrid forcing noisier than with a Gaussian filter (Zanna &
Bolton 2020), but C commutes with the discrete divergence: the net transport out of a
coarse cell is the sum of those of its fine cells, so C(u_f) satisfies the coarse
continuity equation exactly and the coarse w diagnosed from it is the area mean of w_f.
C is linear and applied the same way to velocities [m s-1] and tendencies [m s-2], so
d/dt C(u_f) = C(du_f/dt) holds exactly.

The advection tendency is the model's own: the ``momentum_tendency`` kernel with Coriolis,
pressure and wind stress set to zero and the advection switch on, which leaves exactly

    adv(u) = -div(u_vec u) at U,  adv(v) = -div(u_vec v) at V                 [m s-2]

(second-order flux form, horizontal and vertical fluxes; w from continuity at ``tau``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ocean.kernels import momentum as KM
from ocean.loader import load_setup
from ocean.model import Model

SETUP = Path(__file__).resolve().parents[1] / "double_gyre.py"


def double_gyre(km: float, **settings):
    """The double gyre at ``km`` resolution with its basin on [0, L] x [0, L].

    The setup puts the east face of the first cell at x = 0, so by default the basin spans
    [-dx, L - dx] and the wind and Coriolis fields move with the resolution; the origin is
    set to dx here so fine and coarse runs see the same basin, wind and beta plane.
    """
    base = {"resolution_km": km, "x_origin": km * 1e3, "y_origin": km * 1e3}
    return Model(load_setup(SETUP)(), settings={**base, **settings})


def coarsen_t(a, f: int):
    """Mean over f x f fine cells; ``a`` is (..., ny, nx) interior [any units]."""
    *lead, ny, nx = a.shape
    return a.reshape(*lead, ny // f, f, nx // f, f).mean(axis=(-3, -1))


def coarsen_u(a, f: int):
    """Transport-conserving mean over the f fine east faces of each coarse east face."""
    *lead, ny, nx = a.shape
    return a[..., f - 1 :: f].reshape(*lead, ny // f, f, nx // f).mean(axis=-2)


def coarsen_v(a, f: int):
    """Transport-conserving mean over the f fine north faces of each coarse north face."""
    *lead, ny, nx = a.shape
    return a[..., f - 1 :: f, :].reshape(*lead, ny // f, nx // f, f).mean(axis=-1)


def check_alignment(fine, coarse, f: int):
    """The coarse grid's faces and centres are those C assumes (fails loudly otherwise)."""
    gf, gc = fine.grid, coarse.grid
    if (gf.nx_global, gf.ny_global) != (f * gc.nx_global, f * gc.ny_global):
        raise ValueError(
            f"fine grid {gf.nx_global}x{gf.ny_global} is not {f} x the coarse "
            f"{gc.nx_global}x{gc.ny_global}"
        )
    jf, if_ = gf.interior
    jc, ic = gc.interior
    pairs = (
        (gf.xu[if_][f - 1 :: f], gc.xu[ic]),
        (gf.yu[jf][f - 1 :: f], gc.yu[jc]),
        (gf.xt[if_].reshape(-1, f).mean(axis=1), gc.xt[ic]),
        (gf.yt[jf].reshape(-1, f).mean(axis=1), gc.yt[jc]),
        (gf.dzt, gc.dzt),
    )
    for a, b in pairs:
        if not np.allclose(a, b, rtol=0, atol=1e-6 * max(1.0, np.abs(b).max())):
            raise ValueError("the coarse grid's faces are not every f-th fine face")


class Advection:
    """-div(u_vec u), -div(u_vec v) [m s-2] of a model's state at ``tau`` (host, interior)."""

    def __init__(self, model):
        self.model = model
        b, g = model.backend, model.grid
        self.zero3, self.zero2 = b.zeros(g.shape3), b.zeros(g.shape2)
        self.du, self.dv = b.zeros(g.shape3), b.zeros(g.shape3)

    def __call__(self):
        m = self.model
        st, d, b = m.state, m.dev, m.backend
        z3, z2 = self.zero3, self.zero2
        tau = st.tau
        b.launch(
            KM.momentum_tendency, m.grid.box(),
            st.u[tau], st.v[tau], st.w[tau], z3, z2, z2, z2,
            d.maskU, d.maskV, d.maskW,
            d.dxt, d.dxu, d.dyt, d.dyu, d.dzt, d.cost, d.cosu, d.tantr,
            d.area_t, d.area_u, d.area_v,
            m.settings.rho_0, False, True,
            self.du, self.dv,
        )  # fmt: skip
        inner = (Ellipsis,) + m.grid.interior
        return b.to_host(self.du)[inner].copy(), b.to_host(self.dv)[inner].copy()


class Friction:
    """The model's friction tendency [m s-2] of its state at ``tau`` (host, interior):
    implicit vertical friction, harmonic/biharmonic lateral friction and bottom drag, as
    the step computes them into ``du_mix``, ``dv_mix``."""

    def __init__(self, model):
        self.model = model

    def __call__(self):
        m = self.model
        st = m.state
        m.momentum.friction(st.u[st.tau], st.v[st.tau])
        return st.get("du_mix"), st.get("dv_mix")


TARGETS = ("advection", "advection+friction")


def fine_fields(fine):
    """u, v [m s-1] of the fine state at tau (host, interior, [k, j, i])."""
    return fine.state.get("u"), fine.state.get("v")


def set_coarse_velocity(coarse, u_c, v_c):
    """Put coarse u, v into ``coarse`` at tau (halo included) and diagnose w from them."""
    st = coarse.state
    st.set("u", u_c, levels="tau")
    st.set("v", v_c, levels="tau")
    coarse.vertical_velocity(st.tau)


def subgrid_forcing(fine, coarse, f, target="advection"):
    """(u_c, v_c, S_u, S_v) at the fine model's current state, all [k, J, I] float64:

    S = C(F_fine(u_f)) - F_coarse(C(u_f))                                      [m s-2]

    with F = adv (``target`` "advection": the subgrid momentum flux divergence) or
    F = adv + friction ("advection+friction": also the difference between the fine
    model's friction, coarse-grained, and the coarse model's friction of the
    coarse-grained flow; the coarse model's larger viscosity is then part of what the
    closure corrects). ``coarse`` is overwritten at tau with C(u_f) (w from it).
    """
    if target not in TARGETS:
        raise ValueError(f"target {target!r}: choose one of {TARGETS}")
    terms = [Advection] if target == "advection" else [Advection, Friction]
    u_f, v_f = fine_fields(fine)
    fine_u, fine_v = _sum_terms(fine, terms)
    u_c, v_c = coarsen_u(u_f, f), coarsen_v(v_f, f)
    set_coarse_velocity(coarse, u_c, v_c)
    coarse_u, coarse_v = _sum_terms(coarse, terms)
    return u_c, v_c, coarsen_u(fine_u, f) - coarse_u, coarsen_v(fine_v, f) - coarse_v


def _sum_terms(model, terms):
    total_u = total_v = 0.0
    for term in terms:
        du, dv = term(model)()
        total_u, total_v = total_u + du, total_v + dv
    return total_u, total_v


def set_coarse_state(fine, coarse, f):
    """Start ``coarse`` from C(fine state at tau): u, v, temp, salt, psi at all three time
    levels, then halos, density, N^2 and w as the model does at its start. The
    Adams-Bashforth tendencies start at zero, as in a run from rest."""
    st = coarse.state
    fields = {
        "u": coarsen_u(fine.state.get("u"), f),
        "v": coarsen_v(fine.state.get("v"), f),
        "temp": coarsen_t(fine.state.get("temp"), f),
        "salt": coarsen_t(fine.state.get("salt"), f),
        "psi": coarsen_t(fine.state.get("psi"), f),
    }
    for name, values in fields.items():
        st.set(name, values)
    st.time, st.itt = fine.state.time, 0
    for level in range(3):
        coarse.tracers.equation_of_state(level)
        coarse.vertical_velocity(level)

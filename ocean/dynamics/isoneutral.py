"""Isoneutral (Redi) diffusion and the Gent-McWilliams skew flux in the tracer step.

Veros's order: the slopes and the tensor from temp and salt at tau, once per step; then
for each tracer, after its advection and lateral diffusion and before its vertical mixing:
the isoneutral fluxes (explicit), the implicit K_33 solve, the skew fluxes (explicit).
Both flux passes read the tracer at tau. Passive tracers are mixed the same way (Veros
has none in its core). K_iso and K_gm are K_iso_0 and K_gm_0 everywhere, or from EKE;
with EKE the potential energy the resolved flow loses to the mixing of temperature and
salinity (P_diss_iso, P_diss_skew, Veros's energy-conserving diagnostics) is what feeds it.
"""

from __future__ import annotations

import numpy as np

from ocean.errors import SetupError
from ocean.kernels import energy as KEN
from ocean.kernels import isoneutral as KI

from .implicit import solve_vertical_diffusion

#: the tracers whose mixing changes the potential energy, and their int_drho arrays
ACTIVE_TRACERS = ("temp", "salt")

#: the triad arrays: the lateral faces (east, north) x 4 triads (the top faces read them)
TRIAD_SHAPE = (2, 4)


class IsoneutralMixing:
    def __init__(self, model, eos):
        """``eos``: the equation of state's kernel number (``tracers.EOS_TYPES``)."""
        self.model = model
        s = model.settings
        self.on = s.enable_neutral_diffusion
        if s.enable_skew_diffusion and not self.on:
            raise SetupError(
                "enable_skew_diffusion needs enable_neutral_diffusion = True: the skew flux "
                "uses the isoneutral slopes (as in Veros)"
            )
        self.skew = s.enable_skew_diffusion
        if not self.on:
            return
        self.check_slope_limit()
        st, b, shape = model.state, model.backend, model.grid.shape3
        b.fill(st.K_iso, s.K_iso_0)
        b.fill(st.K_gm, s.K_gm_0)
        self.eos = eos
        # d rho/d T, d rho/d S and the inverse vertical density gradients below and above
        # each T cell (``isoneutral.density_derivatives_at_t``)
        self.gradients = tuple(b.zeros(shape) for _ in range(4))
        self.triads = b.zeros(TRIAD_SHAPE + shape)
        # each lateral triad's taper S^2, which the top faces' K_33 reuses
        self.steepness = b.zeros((2, 4) + shape)
        self.diagonal = b.zeros((3,) + shape)
        # dt K_33 / dzw of the implicit vertical solve
        self.implicit_delta = b.zeros(shape)
        # the isoneutral and the skew fluxes (east, north, top), computed together, and
        # those of the next tracer, computed in the same pass (``_fluxes``)
        self.fluxes = tuple(b.zeros(shape) for _ in range(3))
        self.skew_fluxes = tuple(b.zeros(shape) for _ in range(3))
        self.next_fluxes = tuple(b.zeros(shape) for _ in range(3))
        self.next_skew_fluxes = tuple(b.zeros(shape) for _ in range(3))
        #: tracer name -> its (fluxes, skew fluxes), computed beside an earlier tracer's
        self.pending: dict = {}
        # the potential energy the flow loses to the mixing (P_diss_iso, P_diss_skew)
        # feeds EKE: diagnosed only when EKE is on
        self.energy = s.enable_eke
        # int_drhodT/S at tau: the energy-conserving path keeps them at every time level
        # (``energy.py``); without it they are computed here, each step
        self.own_integrals = self.energy and not model.energy.on
        if self.own_integrals:
            self.int_drho = {name: b.zeros(shape) for name in ACTIVE_TRACERS}
        if self.energy:
            self.lateral_dissipation = b.zeros(shape)

    def check_slope_limit(self):
        """Griffies et al.'s linear stability limit of the explicit triad fluxes: the
        steepest slope allowed is min(dx cos(phi) dz, dy dz) / (4 K_iso_0 dt_tracer); a
        taper that keeps steeper slopes (iso_slopec above it) is refused."""
        g, s = self.model.grid, self.model.settings
        h = g.h
        scale = g.radius * np.pi / 180.0 if g.coord_degree else 1.0
        cos = np.abs(np.cos(np.deg2rad(g.yt_global[h:-h]))) if g.coord_degree else 1.0
        dx = np.min(np.asarray(g.dxt, float) * scale) * np.min(cos)
        dy = np.min(np.asarray(g.dyt, float) * scale)
        limit = min(dx, dy) * np.min(g.dzt) / (4.0 * s.K_iso_0 * s.dt_tracer + 1e-20)
        if limit < s.iso_slopec:
            raise SetupError(
                f"iso_slopec = {s.iso_slopec} exceeds the steepest isoneutral slope that is "
                f"stable on this grid with K_iso_0 = {s.K_iso_0} m2/s and dt_tracer = "
                f"{s.dt_tracer} s: {limit:.3g} (min(dx cos, dy) dz / (4 K_iso_0 dt)); lower "
                "iso_slopec, K_iso_0 or dt_tracer"
            )

    def prepare(self):
        """Slopes and the diagonal of the tensor from temp and salt at tau."""
        if not self.on:
            return
        self.pending.clear()  # fluxes are computed anew each step
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        temp, salt = st.temp[st.tau], st.salt[st.tau]
        b.launch(
            KI.density_derivatives_at_t, g.box(g.h),
            self.eos, temp, salt, d.maskT, d.maskW, d.zt, d.dzw, *self.gradients,
        )  # fmt: skip
        lateral_tensor(
            b, KI.lateral_box(g.box(1)),
            temp, salt, self.gradients, st.K_iso, d.maskU, d.maskV, d.dxu, d.dyu, d.dzt,
            d.dzw, d.cost, s.K_iso_steep, s.iso_slopec, s.iso_dslope, self.triads,
            self.diagonal, self.steepness,
        )  # fmt: skip
        b.launch(
            KI.isoneutral_tensor_top, g.box(1),
            st.K_iso, d.maskW, d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu, self.steepness,
            self.diagonal,
        )  # fmt: skip
        if self.own_integrals:
            b.launch(
                KEN.density_derivative_integrals, g.box(g.h),
                self.eos, temp, salt, d.zt, self.int_drho["temp"], self.int_drho["salt"],
            )  # fmt: skip
        if self.energy:
            b.fill(st.P_diss_iso, 0.0)
            b.fill(st.P_diss_skew, 0.0)

    def apply(self, name):
        """Isoneutral diffusion (and the skew flux) of tracer ``name`` into tau+1."""
        if not self.on:
            return
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        new = st.arrays[name][st.taup1]
        fluxes, skew_fluxes = self._fluxes(name)
        passes = ((True, fluxes), (False, skew_fluxes))
        for iso, fluxes in passes if self.skew else passes[:1]:
            b.launch(
                KI.isoneutral_update, g.box(),
                *fluxes, d.maskT, d.dxt, d.dyt, d.dzt, d.cost, s.dt_tracer, new,
            )  # fmt: skip
            if iso:
                b.launch(
                    KI.isoneutral_vertical_delta, g.box(),
                    self.diagonal, d.dzw, s.dt_tracer, self.implicit_delta,
                )  # fmt: skip
                solve_vertical_diffusion(
                    b, g.box2(), d.kbot, d.dzt, self.implicit_delta, new, st.column_work, new
                )
            if self.energy and name in ACTIVE_TRACERS:
                self.dissipation(name, iso, fluxes)

    def _fluxes(self, name):
        """The isoneutral and skew fluxes of tracer ``name`` at tau: computed beside the
        previous tracer's, or now together with the next tracer's (a pair reads the
        triads once). Each reads only its tracer at tau, which the step leaves alone."""
        if name in self.pending:
            return self.pending.pop(name)
        m = self.model
        st, d, b, g = m.state, m.dev, m.backend, m.grid
        tracers = list(st.tracers)
        later = tracers[tracers.index(name) + 1 :]
        common = (
            st.K_iso, st.K_gm, self.skew, self.triads, self.diagonal, d.maskW, d.dxt, d.dxu,
            d.dyt, d.dyu, d.dzt, d.cost, d.cosu, *self.fluxes, *self.skew_fluxes,
        )  # fmt: skip
        if later:
            partner = later[0]
            b.launch(
                KI.isoneutral_fluxes_pair, g.box(1),
                st.arrays[name][st.tau], st.arrays[partner][st.tau], *common,
                *self.next_fluxes, *self.next_skew_fluxes,
            )  # fmt: skip
            self.pending[partner] = (self.next_fluxes, self.next_skew_fluxes)
        else:
            b.launch(KI.isoneutral_fluxes, g.box(1), st.arrays[name][st.tau], *common)
        return self.fluxes, self.skew_fluxes

    def dissipation(self, name, iso, fluxes):
        """Adds the loss of potential energy to the isoneutral (``iso``) or the skew
        ``fluxes`` to P_diss_iso or P_diss_skew."""
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        if self.own_integrals:
            int_drho = self.int_drho[name]
        else:
            int_drho = (st.int_drhodT if name == "temp" else st.int_drhodS)[st.tau]
        b.launch(
            KEN.lateral_flux_dissipation, g.box(),
            int_drho, fluxes[0], fluxes[1], d.dxt, d.dyt, d.cost, s.grav,
            s.rho_0, self.lateral_dissipation,
        )  # fmt: skip
        b.launch(
            KI.isoneutral_dissipation, g.box(),
            int_drho, self.lateral_dissipation, fluxes[2], self.diagonal,
            st.arrays[name][st.taup1], iso, d.kbot, d.maskW, d.dzw, s.grav, s.rho_0,
            st.P_diss_iso if iso else st.P_diss_skew,
        )  # fmt: skip


def lateral_tensor(
    backend, box, temp, salt, gradients, K_iso, maskU, maskV, dxu, dyu, dzt, dzw, cost,
    K_iso_steep, iso_slopec, iso_dslope, triads, diagonal, steepness,
):  # fmt: skip
    """The east and north faces' triads (``triads[EAST]``, ``triads[NORTH]``), taper S^2
    (``steepness``) and K_11, K_22 (``diagonal[0]``, ``diagonal[1]``) on ``box``, from the
    four ``gradients`` of ``isoneutral.density_derivatives_at_t``: one launch of
    ``isoneutral.isoneutral_tensor_lateral`` per face, each output slice its own array."""
    for face, mask in ((KI.EAST, maskU), (KI.NORTH, maskV)):
        backend.launch(
            KI.isoneutral_tensor_lateral, box,
            face, temp, salt, *gradients, K_iso, mask, dxu, dyu, cost, dzt, dzw,
            K_iso_steep, iso_slopec, iso_dslope, *triads[face], *steepness[face],
            diagonal[face],
        )  # fmt: skip

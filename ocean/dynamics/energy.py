"""Veros's energy-conserving path (``enable_conserve_energy``, its default): the energy the
resolved flow loses to friction, advection and mixing, diagnosed where it is lost and
handed to the closures, in Veros's order within the step:

- momentum step (friction): K_diss_bot, bottom friction's dissipation;
- tracer step: P_diss_adv (advection; with TKE), P_diss_hmix (lateral diffusion, with K_h);
- after the new equation of state: P_diss_v and P_diss_nonlin (vertical mixing);
- the closures' forcing: TKE gets K_diss_v - P_diss_v - P_diss_adv - P_diss_nonlin plus
  IDEMIX's or EKE's dissipation plus K_diss_bot (without IDEMIX, or with
  enable_store_bottom_friction_tke); IDEMIX gets EKE's dissipation (where it occurs or
  re-injected at the bottom and surface, enable_eke_diss_bottom/surfbot) plus K_diss_bot
  otherwise; EKE gets K_diss_h - P_diss_skew - P_diss_iso - P_diss_hmix (eddy_energy.py).

The dynamic enthalpy Hd and int_drhodT/S come with the density at every time level. With
``enable_conserve_energy = False`` none of this is diagnosed and, as in Veros, TKE is
forced by K_diss_v - kappaH N^2 (surface buoyancy flux at the top) and the closures' own
transfers, EKE by nothing.
"""

from __future__ import annotations

import numpy as np

from ocean.kernels import advection as KA
from ocean.kernels import energy as KEN
from ocean.kernels import enthalpy as KH
from ocean.kernels import tke as KTKE


class EnergyTransfers:
    def __init__(self, model):
        self.model = model
        s = model.settings
        self.on = s.enable_conserve_energy and (s.enable_tke or s.enable_eke)
        g, b = model.grid, model.backend
        shape = g.shape3
        # stands in for the transfers that are not diagnosed (all zero), allocated once
        self.zero = b.zeros(shape) if s.enable_tke else None
        # the column integral of the energy handed to the internal waves [m3 s-3]
        self.wave_input_total = b.zeros(g.shape2) if s.enable_idemix else None
        if not self.on:
            return
        self.diss_u, self.diss_v = b.zeros(shape), b.zeros(shape)
        self.work, self.dHd = b.zeros(shape), b.zeros(shape)
        self.active = b.zeros(shape)
        # the W boxes' volumes (half box at the top) [m3], for P_diss_adv's domain mean
        volume = g.maskW * g.dzw[:, None, None] * g.area_t[None]
        volume[-1] *= 0.5
        self.volume_w = b.asarray(volume)

    def bottom_friction(self, u, v):
        """K_diss_bot from u, v at tau (Veros's friction: linear and quadratic drag)."""
        if not self.on:
            return
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        b.launch(
            KEN.bottom_friction_dissipation, g.box(1),
            u, v, d.kbot, d.maskU, d.maskV, d.dzt, s.r_bot, s.r_quad_bot, self.diss_u,
            self.diss_v,
        )  # fmt: skip
        self.friction_on_tgrid(st.K_diss_bot)

    def friction_on_tgrid(self, out):
        """``out`` [m2 s-3, W points]: a friction's dissipation at U and V faces, left in
        ``diss_u``, ``diss_v`` by its kernel, on the T columns (bottom and harmonic
        friction share this scratch: each is moved before the next is computed)."""
        m = self.model
        d = m.dev
        m.backend.launch(
            KEN.friction_dissipation_on_tgrid, m.grid.box2(),
            self.diss_u, self.diss_v, d.kbot, d.dzw, d.dxt, d.dxu, d.area_t, d.area_v, out,
        )  # fmt: skip

    def advection(self, scheme):
        """P_diss_adv from the advective tendencies of temp and salt at tau and that of Hd
        (advection ``scheme`` as the tracers'), spread over the turbulent W boxes."""
        m = self.model
        if not (self.on and m.settings.enable_tke):
            return
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        tau = st.tau
        b.launch(
            KA.tracer_advection, g.box(),
            st.Hd[tau], st.u[tau], st.v[tau], st.w[tau], d.maskT, d.maskU, d.maskV, d.maskW,
            d.dxt, d.dyt, d.dzt, d.cost, d.cosu, s.dt_tracer, scheme, self.dHd,
        )  # fmt: skip
        b.launch(
            KH.advection_dissipation, g.box(),
            st.int_drhodT[tau], st.int_drhodS[tau], st.dtemp[tau], st.dsalt[tau], self.dHd,
            st.w[tau], st.rho[tau], d.dzt, d.dzw, s.grav, s.rho_0, self.work,
        )  # fmt: skip
        b.launch(KH.dissipation_on_wgrid, g.box2(), self.work, d.kbot, d.dzw, st.P_diss_adv)
        b.launch(KH.turbulent_boxes, g.box(), st.tke[tau], self.active)
        total, volume = self._volume_sums(st.P_diss_adv, self.active)
        b.launch(KH.spread_dissipation, g.box(), self.active, total / volume, st.P_diss_adv)

    def _volume_sums(self, *fields):
        """Global sums of each field times the W boxes' volumes: exact (the same on any
        decomposition) under ``reproducible_sums``, else plain sums."""
        m = self.model
        b, box = m.backend, m.grid.box()
        if m.settings.reproducible_sums:
            local = [b.weighted_sum_exact(f, self.volume_w, box) for f in fields]
            return m.comm.exact_sums(np.stack(local))
        return m.comm.allreduce_sums([b.weighted_sum(f, self.volume_w, box) for f in fields])

    def vertical_mixing(self):
        """P_diss_v and P_diss_nonlin from T, S, their integrals and N^2 at tau+1; without
        the energy-conserving path P_diss_v = kappaH N^2 and the surface buoyancy flux."""
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        tau, taup1 = st.tau, st.taup1
        forcing = (
            st.temp[tau], st.temp_surface_rate, st.temp_surface_target, st.temp_surface_flux,
            st.salt[tau], st.salt_surface_rate, st.salt_surface_target, st.salt_surface_flux,
        )  # fmt: skip
        if self.on:
            b.launch(
                KH.vertical_mixing_dissipation, g.box(),
                st.kappaH, st.Nsqr[taup1], st.temp[taup1], st.salt[taup1],
                st.int_drhodT[taup1], st.int_drhodS[taup1], d.maskW, d.dzw, *forcing,
                s.grav, s.rho_0, st.P_diss_v, st.P_diss_nonlin,
            )  # fmt: skip
            return
        b.launch(
            KTKE.buoyancy_flux, g.box2(),
            m.tracers.eos, st.kappaH, st.Nsqr[taup1], st.temp[taup1], st.salt[taup1],
            d.maskT, d.zt, *forcing, s.grav, s.rho_0, st.P_diss_v,
        )  # fmt: skip

    def tke_forcing(self, transfer):
        """tke_forcing: K_diss_v - P_diss_v - P_diss_adv - P_diss_nonlin + ``transfer``
        (IDEMIX's or EKE's dissipation, or zeros) + K_diss_bot where TKE gets it."""
        m = self.model
        st, s, g = m.state, m.settings, m.grid
        conserved = (st.P_diss_adv, st.P_diss_nonlin) if self.on else (self.zero, self.zero)
        bottom = self.on and (s.enable_store_bottom_friction_tke or not s.enable_idemix)
        m.backend.launch(
            KEN.tke_energy_input, g.box(),
            st.K_diss_v, st.P_diss_v, *conserved, transfer,
            st.K_diss_bot if self.on else self.zero, bottom, st.tke_forcing,
        )  # fmt: skip

    def wave_forcing(self, eke_diss):
        """iw_forcing: EKE's dissipation ``eke_diss`` (or zeros), placed as
        enable_eke_diss_bottom / enable_eke_diss_surfbot say, + K_diss_bot unless
        enable_store_bottom_friction_tke."""
        m = self.model
        st, s, d, g = m.state, m.settings, m.dev, m.grid
        placement = KEN.EKE_DISS_LOCAL
        if s.enable_eke and s.enable_eke_diss_bottom:
            placement = KEN.EKE_DISS_BOTTOM
        elif s.enable_eke and s.enable_eke_diss_surfbot:
            placement = KEN.EKE_DISS_SURFBOT
        bottom = self.on and not s.enable_store_bottom_friction_tke
        m.backend.launch(
            KEN.internal_wave_energy_input, g.box2(),
            eke_diss, placement, s.eke_diss_surfbot_frac,
            st.K_diss_bot if self.on else self.zero, bottom, d.maskW, d.kbot, d.dzw,
            self.wave_input_total, st.iw_forcing,
        )  # fmt: skip

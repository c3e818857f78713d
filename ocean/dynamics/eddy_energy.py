"""The mesoscale EKE closure in the model step (Veros's order): K_gm and K_iso from E and
N^2 at the start of the step (before the tracers read them), E at tau+1 after the tracers
and before IDEMIX and TKE, which receive its dissipation eke_diss_iw.

E is forced by ``eke_forcing`` [m2 s-3]: the kinetic energy harmonic lateral friction
dissipates (K_diss_h, from u, v at tau in the momentum step) and the potential energy the
resolved flow loses to the GM skew flux and isoneutral mixing (P_diss_skew, P_diss_iso,
from ``isoneutral.py``). Veros also counts biharmonic friction in K_diss_h and lateral
tracer diffusion (P_diss_hmix), which this model does not diagnose yet
(docs/differences-from-veros.md).
"""

from __future__ import annotations

import numpy as np

from ocean.kernels import eke as KEKE
from ocean.kernels import energy as KEN

from .implicit import solve_energy_step
from .wgrid import advection_scheme


def meridional_coriolis_gradient(coriolis_t, dyu):
    """beta = df/dy [m-1 s-1] at T points, the mean of the differences north and south
    (one-sided in the outermost halo rows)."""
    differences = np.diff(coriolis_t, axis=0) / dyu[:-1, None]
    centred = 0.5 * (differences[1:] + differences[:-1])
    return np.concatenate([differences[:1], centred, differences[-1:]])


class EddyKineticEnergy:
    def __init__(self, model):
        self.model = model
        s = model.settings
        self.on = s.enable_eke
        self.advection = advection_scheme(s, "eke", "EKE") and self.on
        if not self.on:
            return
        g, b = model.grid, model.backend
        self.beta = b.asarray(meridional_coriolis_gradient(g.coriolis_t, g.dyu_m))
        # the surface and extra source of the shared W-column solve: zero for EKE
        self.no_source, self.no_flux = b.zeros(g.shape3), b.zeros(g.shape2)

    def friction_dissipation(self, u, v, harmonic):
        """K_diss_h from u, v at tau and the harmonic friction's row coefficients."""
        if not (self.on and self.model.settings.enable_conserve_energy):
            return
        m = self.model
        st, d, b, g = m.state, m.dev, m.backend, m.grid
        energy = m.energy  # on whenever EKE is with enable_conserve_energy
        b.launch(
            KEN.harmonic_friction_dissipation, g.box(1),
            u, v, d.maskU, d.maskV, *harmonic, d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu,
            energy.diss_u, energy.diss_v,
        )  # fmt: skip
        energy.friction_on_tgrid(st.K_diss_h)

    def diffusivities(self):
        """Length scales, K_gm and K_iso from E and N^2 at tau, halo included."""
        if not self.on:
            return
        m = self.model
        st, s, d, g = m.state, m.settings, m.dev, m.grid
        m.backend.launch(
            KEKE.eke_rossby_radius, g.box2(g.h),
            st.Nsqr[st.tau], d.maskW, d.dzw, d.coriolis_t, self.beta, st.L_rossby,
        )  # fmt: skip
        m.backend.launch(
            KEKE.eke_diffusivities, g.box(g.h),
            st.eke[st.tau], self.beta, s.eke_lmin, s.eke_cross, s.eke_crhin, s.eke_c_k,
            s.eke_k_max, s.enable_eke_isopycnal_diffusion, s.K_iso_0, st.L_rossby,
            st.L_rhines, st.sqrteke, st.eke_len, st.K_gm, st.K_iso,
        )  # fmt: skip

    def integrate(self, advect):
        """E at tau+1 and eke_diss_iw; ``advect(energy, tendency, superbee)`` advects a
        W-point quantity (the TKE's W-grid advection)."""
        if not self.on:
            return
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        tau, taup1 = st.tau, st.taup1
        if s.enable_conserve_energy:
            b.launch(
                KEKE.eke_energy_input, g.box(),
                st.K_diss_h, st.P_diss_skew, st.P_diss_iso, st.eke_forcing,
            )  # fmt: skip
        else:  # as Veros: no transfer is diagnosed, so nothing forces E
            b.fill(st.eke_forcing, 0.0)
        eke_vertical_step(
            b, g.box2(),
            st.eke[tau], st.eke_forcing, self.no_source, self.no_flux, st.kappaM, st.sqrteke,
            st.eke_len, d.maskW, d.kbot, d.dzt, d.dzw, s.dt_tracer, s.alpha_eke, s.eke_c_eps,
            st.column_work, st.eke[taup1], st.eke_diss_iw,
        )  # fmt: skip
        b.launch(
            KEKE.eke_lateral_diffusion, g.box(),
            st.eke[tau], st.K_gm, d.maskU, d.maskV, d.maskW, d.dxt, d.dxu, d.dyt, d.dyu,
            d.cost, d.cosu, s.dt_tracer, st.eke[taup1],
        )  # fmt: skip
        if self.advection:
            advect(st.eke, st.deke, s.enable_eke_superbee_advection)
        m.fill_halo(st.eke[taup1])


def eke_vertical_step(
    backend, columns, eke, forcing, no_source, no_flux, kappaM, sqrteke, eke_len, maskW, kbot,
    dzt, dzw, dt, alpha_eke, eke_c_eps, work, eke_new, eke_diss,
):  # fmt: skip
    """One implicit step of vertical diffusion (alpha_eke kappaM), dissipation
    (eke_c_eps sqrt(E^n)/L E^{n+1}) and ``forcing`` [m2 s-3] of E on ``columns``, no flux
    through the bottom or the surface (``no_source``, ``no_flux``: 3-D and 2-D zeros);
    then eke_diss = eke_c_eps sqrt(E^n)/L maskW E^{n+1} [m2 s-3], the energy handed on."""
    solve_energy_step(
        backend, columns, eke, forcing, no_source, no_source, no_flux, kappaM, sqrteke,
        eke_len, kbot, dzt, dzw, dt, alpha_eke, eke_c_eps, work, eke_new,
    )  # fmt: skip
    backend.launch(
        KEKE.eke_dissipation, (0, eke.shape[-3], *columns),
        sqrteke, eke_len, maskW, eke_c_eps, eke_new, eke_diss,
    )  # fmt: skip

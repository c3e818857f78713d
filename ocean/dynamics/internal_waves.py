"""IDEMIX internal-wave energy in the model step (Veros's order): the group velocities and
dissipation coefficient from N^2 at the start of the step, E_iw at tau+1 after the tracers,
before TKE, whose forcing gains the waves' dissipation iw_diss. The waves are forced by EKE's
dissipation and, on the energy-conserving path, bottom friction's (``energy.py``)."""

from __future__ import annotations

from ocean.errors import SetupError
from ocean.kernels import idemix as KI
from ocean.kernels import tridiagonal as KT

from .wgrid import advection_scheme


class InternalWaves:
    def __init__(self, model):
        self.model = model
        s = model.settings
        if s.enable_idemix and not s.enable_tke:
            raise SetupError(
                "enable_idemix needs enable_tke = True: the internal waves' dissipation "
                "feeds the TKE closure, which IDEMIX also limits (as in Veros)"
            )
        self.on = s.enable_idemix
        self.advection = advection_scheme(s, "idemix", "E_iw") and self.on

    def parameters(self):
        """c0, v0, alpha_c from N^2 at tau, halo included (TKE reads alpha_c there)."""
        if not self.on:
            return
        m = self.model
        st, s, d, g = m.state, m.settings, m.dev, m.grid
        m.backend.launch(
            KI.idemix_parameters, g.box2(g.h),
            st.Nsqr[st.tau], d.maskW, d.dzw, d.coriolis_t, s.gamma, s.jstar, s.mu0,
            st.cstar, st.c0, st.v0, st.alpha_c,
        )  # fmt: skip

    def integrate(self, advect):
        """E_iw at tau+1 and iw_diss; ``advect(energy, tendency, superbee)`` advects a
        W-point quantity (the TKE's W-grid advection)."""
        if not self.on:
            return
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        tau, taup1 = st.tau, st.taup1
        m.energy.wave_forcing(st.eke_diss_iw if s.enable_eke else m.energy.zero)
        idemix_vertical_step(
            b, g.box2(),
            st.E_iw[tau], st.iw_forcing, st.forc_iw_bottom, st.forc_iw_surface, st.c0,
            st.alpha_c, d.kbot, d.dzt, d.dzw, s.dt_tracer, s.tau_v, st.column_work,
            st.E_iw[taup1], st.iw_diss,
        )  # fmt: skip
        if s.enable_idemix_hor_diffusion:
            b.launch(
                KI.idemix_lateral_propagation, g.box(),
                st.E_iw[tau], st.v0, d.maskU, d.maskV, d.maskW, d.dxt, d.dxu, d.dyt, d.dyu,
                d.cost, d.cosu, s.tau_h, s.dt_tracer, st.E_iw[taup1],
            )  # fmt: skip
        if self.advection:
            advect(st.E_iw, st.dE_iw, s.enable_idemix_superbee_advection)
        m.fill_halo(st.E_iw[taup1])


def idemix_vertical_step(
    backend, columns, energy, forcing, forc_iw_bottom, forc_iw_surface, c0, alpha_c, kbot,
    dzt, dzw, dt, tau_v, work, energy_new, iw_diss,
):  # fmt: skip
    """Implicit vertical propagation and dissipation of E_iw on ``columns`` over one tracer
    step (``idemix.idemix_eliminate``, then the back substitution), and the dissipation
    iw_diss = alpha_c max(E^n, 0) E^{n+1} [m2 s-3]."""
    nz = energy.shape[-3]
    backend.launch(
        KI.idemix_eliminate, (0, nz, *columns),
        energy, forcing, forc_iw_bottom, forc_iw_surface, c0, alpha_c, kbot, dzt, dzw, dt,
        tau_v, work, energy_new,
    )  # fmt: skip
    backend.launch(KT.diffusion_back_substitute, (0, nz - 1, *columns), kbot, work, energy_new)
    backend.launch(KI.idemix_dissipation, (0, nz, *columns), energy, alpha_c, energy_new, iw_diss)

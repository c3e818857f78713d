"""Vertical mixing coefficients: constant (with convective mixing) or from the TKE closure.

With ``enable_tke`` the step follows Veros's order: the coefficients from E, N^2 and the
shear production of the previous step (start of the step); the shear production of the
implicit vertical friction (after it, in the momentum step); the buoyancy flux (after the
tracers' new N^2); then E at tau+1 (implicit vertical mixing and dissipation, lateral
diffusion, superbee or upwind advection with Adams-Bashforth). E is forced as in Veros:
K_diss_v - P_diss_v, with ``enable_conserve_energy`` also - P_diss_adv - P_diss_nonlin +
K_diss_bot (``energy.py``), + iw_diss with IDEMIX (``internal_waves.py``, which also limits
the Richardson number) or eke_diss_iw with EKE alone.
"""

from __future__ import annotations

from math import atan, pi

import numpy as np

from ocean.errors import SetupError
from ocean.kernels import tke as KTKE
from ocean.kernels import vertical as KV
from ocean.kernels import wgrid_advection as KW

from .implicit import solve_energy_step
from .internal_waves import InternalWaves
from .wgrid import advection_scheme


class VerticalMixing:
    def __init__(self, model):
        self.model = model
        s = model.settings
        self.tke = s.enable_tke
        if self.tke and not s.enable_implicit_vert_friction:
            raise SetupError(
                "enable_tke needs enable_implicit_vert_friction = True: the TKE closure is "
                "forced by the dissipation of the implicit vertical friction (as in Veros)"
            )
        self.advection = advection_scheme(s, "tke", "TKE") and self.tke
        self.waves = InternalWaves(model)
        b = model.backend
        # stands in for IDEMIX's fields without it (never read), allocated once
        self.no_waves = b.zeros((1, 1, 1))
        self.kappaH_floor = b.asarray(
            np.array(bryan_lewis_profile(model.grid.zw, s.enable_kappaH_profile))
        )

    def coefficients(self):
        """kappaM, kappaH at every W point of the block, halo included."""
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        if not self.tke:
            b.launch(
                KV.vertical_mixing_coefficients, g.box(g.h),
                st.Nsqr[st.tau], d.maskW, s.kappaM_0, s.kappaH_0, s.kappaH_convective,
                s.enable_convective_mixing, st.kappaM, st.kappaH,
            )  # fmt: skip
            return
        self.waves.parameters()
        m.fill_halo(st.K_diss_v)
        on = self.waves.on
        alpha_c = st.alpha_c if on else self.no_waves
        waves = st.E_iw[st.tau] if on else self.no_waves
        tke_diffusivities(
            b, g.box(g.h),
            st.tke[st.tau], st.Nsqr[st.tau], st.K_diss_v, d.maskW, d.zw, d.dzw, d.dzt,
            d.ht, s.tke_mxl_choice, s.mxl_min, s.c_k, s.kappaM_min, s.kappaM_max,
            s.kappaH_min, s.enable_Prandtl_tke, s.Prandtl_tke0, self.kappaH_floor,
            on, alpha_c, waves, st.sqrttke, st.mxl, st.kappaM, st.kappaH, st.Prandtlnumber,
        )  # fmt: skip

    @property
    def friction_box(self):
        """Columns the implicit vertical friction must cover: with TKE one ring around the
        block, since the shear production averages the faces west and south too."""
        return self.model.grid.box2(1 if self.tke else 0)

    def shear_production(self):
        """K_diss_v from du_mix, dv_mix holding the implicit vertical friction alone."""
        if not self.tke:
            return
        m = self.model
        st, s, d = m.state, m.settings, m.dev
        tau = st.tau
        m.backend.launch(
            KTKE.vertical_friction_dissipation, m.grid.box(),
            st.u[tau], st.v[tau], st.du_mix, st.dv_mix, st.kappaM, d.maskU, d.maskV, d.dzw,
            d.dxt, d.dxu, d.area_t, d.area_v, s.dt_mom, st.K_diss_v,
        )  # fmt: skip

    def integrate(self):
        """E at tau+1 from the buoyancy flux of the new N^2 and the shear production."""
        if not self.tke:
            return
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        tau, taup1 = st.tau, st.taup1
        m.energy.vertical_mixing()
        self.waves.integrate(self.advect)
        # what the other closures hand to TKE: IDEMIX's dissipation, else EKE's
        if self.waves.on:
            transfer = st.iw_diss
        else:
            transfer = st.eke_diss_iw if s.enable_eke else m.energy.zero
        m.energy.tke_forcing(transfer)
        zero = m.energy.zero
        tke_vertical_step(
            b, g.box2(),
            st.tke[tau], st.tke_forcing, zero, zero, st.forc_tke_surface, st.kappaM,
            st.sqrttke, st.mxl, d.kbot, d.dzt, d.dzw, s.dt_mom, s.alpha_tke, s.c_eps,
            st.column_work, st.tke[taup1], st.tke_diss, st.tke_surf_corr,
        )  # fmt: skip
        if s.enable_tke_hor_diffusion:
            b.launch(
                KTKE.tke_lateral_diffusion, g.box(),
                st.tke[tau], d.maskU, d.maskV, d.maskW, d.dxt, d.dxu, d.dyt, d.dyu, d.cost,
                d.cosu, s.K_h_tke, s.dt_mom, st.tke[taup1],
            )  # fmt: skip
        if self.advection:
            self.advect(st.tke, st.dtke, s.enable_tke_superbee_advection)
        m.fill_halo(st.tke[taup1])

    def velocity_on_wgrid(self):
        """u, v, w on the W grid from u, v at tau, once per step for every W-point quantity
        that is advected (Veros's calculate_velocity_on_wgrid); nothing without one."""
        m = self.model
        st, d, b, g = m.state, m.dev, m.backend, m.grid
        if "u_wgrid" not in st.arrays:
            return
        b.launch(
            KW.velocity_on_wgrid, g.box(1),
            st.u[st.tau], st.v[st.tau], d.maskU, d.maskV, d.maskW, d.dzt, d.dzw, st.u_wgrid,
            st.v_wgrid,
        )  # fmt: skip
        b.launch(
            KW.vertical_velocity_on_wgrid, g.box2(),
            st.u_wgrid, st.v_wgrid, d.dxt, d.dyt, d.dzw, d.cost, d.cosu, st.w_wgrid,
        )  # fmt: skip

    def advect(self, energy, tendency, superbee):
        """Adams-Bashforth advection (dt_tracer) of a W-point quantity by the W-grid
        velocities of :meth:`velocity_on_wgrid`."""
        m = self.model
        st, s, d, b, g = m.state, m.settings, m.dev, m.backend, m.grid
        tau = st.tau
        b.launch(
            KW.wgrid_advection_step, g.box(),
            energy[tau], st.u_wgrid, st.v_wgrid, st.w_wgrid, d.maskW, d.dxt, d.dyt, d.dzw,
            d.cost, d.cosu, s.dt_tracer, superbee, 1.5 + s.AB_eps, 0.5 + s.AB_eps,
            tendency[tau], tendency[st.taum1], energy[st.taup1],
        )  # fmt: skip


def tke_vertical_step(
    backend, columns, tke, production, transfer, sink, surface_flux, kappaM, sqrttke, mxl,
    kbot, dzt, dzw, dt, alpha_tke, c_eps, work, tke_new, dissipation, surface_correction,
):  # fmt: skip
    """One implicit step of E on ``columns`` (``implicit.solve_energy_step`` with alpha_tke
    and c_eps; the forcing is the shear production K_diss_v, the energy handed over by
    IDEMIX or EKE, minus the buoyancy flux P_diss_v). Afterwards dissipation = c_eps
    sqrt(E^n)/L E^{n+1} [m2 s-3]; a negative top E is set to 0 and the energy that takes
    is surface_correction [m3 s-3] (``tke.tke_surface_correction``)."""
    solve_energy_step(
        backend, columns, tke, production, transfer, sink, surface_flux, kappaM, sqrttke, mxl,
        kbot, dzt, dzw, dt, alpha_tke, c_eps, work, tke_new,
    )  # fmt: skip
    nz = tke.shape[-3]
    backend.launch(
        KTKE.tke_dissipation, (0, nz, *columns), c_eps, mxl, sqrttke, tke_new, dissipation
    )
    backend.launch(KTKE.tke_surface_correction, columns, dzw, dt, tke_new, surface_correction)


def bryan_lewis_profile(zw, on: bool = True):
    """The floor of kappaH at the W levels ``zw`` [m] (host side): Bryan & Lewis (1979),
    (0.8 + 1.05/pi atan((-zw - 2500)/222.2)) 1e-4 [m2 s-1], or zeros when not ``on``."""
    return [
        (0.8 + 1.05 / pi * atan((-float(z) - 2500.0) / 222.2)) * 1e-4 if on else 0.0 for z in zw
    ]


def tke_diffusivities(
    backend, cells, tke, nsqr, K_diss_v, maskW, zw, dzw, dzt, ht, mxl_choice, mxl_min, c_k,
    kappaM_min, kappaM_max, kappaH_min, prandtl_from_richardson, prandtl_0, kappaH_floor,
    idemix, alpha_c, E_iw, sqrttke, mxl, kappaM, kappaH, prandtl,
):  # fmt: skip
    """Mixing length, viscosity, diffusivity and Prandtl number on the box ``cells`` (all
    levels) from E (tau): ``tke.mixing_length``, with ``mxl_choice`` 2 the downward and
    upward sweeps of the MITgcm/OPA rule, then ``tke.tke_diffusivities``. ``kappaH_floor``:
    per level, :func:`bryan_lewis_profile` (zeros without it)."""
    k0, k1, *columns = cells
    backend.launch(
        KTKE.mixing_length, cells,
        tke, nsqr, maskW, zw, dzw, ht, mxl_choice, mxl_min, sqrttke, mxl,
    )  # fmt: skip
    if mxl_choice == 2:
        backend.launch(KTKE.mixing_length_down, (k0, k1 - 1, *columns), dzt, mxl)
        backend.launch(KTKE.mixing_length_up, cells, dzt, mxl_min, mxl)
    backend.launch(
        KTKE.tke_diffusivities, cells,
        nsqr, K_diss_v, mxl_choice, mxl_min, c_k, kappaM_min, kappaM_max, kappaH_min,
        prandtl_from_richardson, prandtl_0, kappaH_floor, idemix, alpha_c, E_iw, sqrttke, mxl,
        kappaM, kappaH, prandtl,
    )  # fmt: skip

"""Momentum step: tendencies, friction (closures included) and the Adams-Bashforth
predictor u*, v*."""

from __future__ import annotations

import numpy as np

from ocean.kernels import friction as KF
from ocean.kernels import momentum as KM
from ocean.kernels import pressure as KP
from ocean.kernels import vertical_friction as KVF


class Momentum:
    def __init__(self, model):
        self.model = model
        s, g = model.settings, model.grid
        xp_coef = model.backend.asarray
        # lateral friction coefficients per row, with optional cos(lat)^p scaling
        ph = s.hor_friction_cosPower if s.enable_hor_friction_cos_scaling else 0.0
        pb = 0.5 * s.biharmonic_friction_cosPower
        a_h, a_b = s.A_h, np.sqrt(s.A_hbi)
        self.harm = [xp_coef(a_h * c**ph) for c in (g.cost, g.cosu, g.cosu, g.cost)]
        self.bih = [xp_coef(a_b * c**pb) for c in (g.cost, g.cosu, g.cosu, g.cost)]

    def step(self):
        m = self.model
        st, s, d, b = m.state, m.settings, m.dev, m.backend
        tau, taum1, taup1 = st.tau, st.taum1, st.taup1
        u, v = st.u[tau], st.v[tau]
        b.launch(
            KP.hydrostatic_pressure, m.grid.box2(1),
            st.rho[tau], d.maskT, d.dzw, s.grav, s.rho_0, st.p_hydro,
        )  # fmt: skip
        b.launch(
            KM.momentum_tendency, m.grid.box(),
            u, v, st.w[tau], st.p_hydro, st.surface_taux, st.surface_tauy, d.coriolis_t,
            d.maskU, d.maskV, d.maskW,
            d.dxt, d.dxu, d.dyt, d.dyu, d.dzt, d.cost, d.cosu, d.tantr,
            d.area_t, d.area_u, d.area_v,
            s.rho_0, s.coord_degree, s.enable_momentum_advection,
            st.du[tau], st.dv[tau],
        )  # fmt: skip
        self.friction(u, v)
        ab_new, ab_old = 1.5 + s.AB_eps, 0.5 + s.AB_eps
        b.launch(
            KP.momentum_ab_step, m.grid.box(),
            u, v, st.du[tau], st.dv[tau], st.du[taum1], st.dv[taum1], st.du_mix, st.dv_mix,
            d.maskU, d.maskV, s.dt_mom, ab_new, ab_old, st.u[taup1], st.v[taup1],
        )  # fmt: skip
        m.fill_halo(st.u[taup1], st.v[taup1])

    def friction(self, u, v):
        """du_mix, dv_mix: implicit vertical friction, then lateral friction and drag."""
        m = self.model
        st, s, d, b = m.state, m.settings, m.dev, m.backend
        if s.enable_implicit_vert_friction:
            b.launch(
                KVF.implicit_vertical_friction, m.mixing.friction_box,
                u, v, st.kappaM, d.kbot, d.maskU, d.maskV, d.dzt, d.dzw, s.dt_mom,
                st.lap_u, st.lap_v, st.du_mix, st.dv_mix,
            )  # fmt: skip
            m.mixing.shear_production()
        else:
            b.fill(st.du_mix, 0.0)
            b.fill(st.dv_mix, 0.0)
        # lap_u/lap_v served as scratch above; now they hold the biharmonic first pass
        biharmonic = s.A_hbi > 0.0
        if biharmonic:
            b.launch(
                KF.biharmonic_laplacian, m.grid.box(1),
                u, v, d.maskU, d.maskV, *self.bih,
                d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu, st.lap_u, st.lap_v,
            )  # fmt: skip
        b.launch(
            KF.explicit_friction, m.grid.box(),
            u, v, st.lap_u, st.lap_v, d.kbot, d.maskU, d.maskV, *self.harm, *self.bih,
            d.dxt, d.dxu, d.dyt, d.dyu, d.dzt, d.cost, d.cosu, s.r_bot, s.r_quad_bot,
            biharmonic, st.du_mix, st.dv_mix,
        )  # fmt: skip
        m.energy.bottom_friction(u, v)
        m.eddies.friction_dissipation(u, v, self.harm)
        m.closures.add_momentum(st.du_mix, st.dv_mix)

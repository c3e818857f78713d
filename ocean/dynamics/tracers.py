"""Tracer step for temperature, salinity and passive tracers, then the equation of state."""

from __future__ import annotations

from ocean.kernels import advection as KA
from ocean.kernels import enthalpy as KH
from ocean.kernels import eos as KE
from ocean.kernels import tracers as KT

from .isoneutral import IsoneutralMixing

ADVECTION_SCHEMES = {"centred": 0, "superbee": 1, "dst3": 2, "dst3_limited": 3}
EOS_TYPES = {
    "linear": 0,
    "nonlinear_vallis": 1,
    "teos10": 2,
    "quadratic": 3,
    "quadratic_temperature_only": 4,
}
#: Veros's eq_of_state_type number of each of ours
VEROS_TYPES = {
    "linear": 1,
    "quadratic": 2,
    "nonlinear_vallis": 3,
    "quadratic_temperature_only": 4,
    "teos10": 5,
}


class Tracers:
    def __init__(self, model):
        self.model = model
        s = model.settings
        self.scheme = ADVECTION_SCHEMES[s.tracer_advection]
        # weights of the advective tendency at tau and tau-1: Adams-Bashforth 2, except for
        # the direct space-time DST3 schemes, whose Courant terms already make a forward
        # step accurate (as in MITgcm); under AB2 they would be first order (measured)
        direct = s.tracer_advection in ("dst3", "dst3_limited")
        self.advection_weights = (1.0, 0.0) if direct else (1.5 + s.AB_eps, 0.5 + s.AB_eps)
        self.eos = EOS_TYPES[s.eq_of_state]
        self.sponge = s.enable_sponge
        # stands in for the sponge's rate and target when it is off (never read then);
        # an array nothing writes, so a recorded step never copies it
        self.no_sponge = None if self.sponge else model.backend.zeros((1, 1, 1))
        self.isoneutral = IsoneutralMixing(model, self.eos)

    def step(self):
        self.isoneutral.prepare()
        for name in self.model.state.tracers:
            self.step_tracer(name)
        self.model.energy.advection(self.scheme)

    def step_tracer(self, name):
        m = self.model
        st, s, d, b = m.state, m.settings, m.dev, m.backend
        tau, taum1, taup1 = st.tau, st.taum1, st.taup1
        t, tend = st.arrays[name], st.arrays["d" + name]
        b.launch(
            KA.tracer_advection, m.grid.box(),
            t[tau], st.u[tau], st.v[tau], st.w[tau], d.maskT, d.maskU, d.maskV, d.maskW,
            d.dxt, d.dyt, d.dzt, d.cost, d.cosu, s.dt_tracer, self.scheme, tend[tau],
        )  # fmt: skip
        rate = st.sponge_rate if self.sponge else self.no_sponge
        target = st.arrays[f"{name}_sponge_target"] if self.sponge else self.no_sponge
        b.launch(
            KT.tracer_explicit_step, m.grid.box(),
            t[tau], tend[tau], tend[taum1], d.maskT, d.maskU, d.maskV,
            d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu,
            s.K_h, s.dt_tracer, *self.advection_weights, self.sponge, rate, target,
            t[taup1],
        )  # fmt: skip
        m.closures.add_tracer(name, t[taup1], s.dt_tracer)
        self.isoneutral.apply(name)
        b.launch(
            KT.tracer_vertical_mixing, m.grid.box2(),
            t[tau], st.kappaH, d.kbot, d.dzt, d.dzw, s.dt_tracer,
            st.arrays[f"{name}_surface_rate"], st.arrays[f"{name}_surface_target"],
            st.arrays[f"{name}_surface_flux"], st.column_work, t[taup1],
        )  # fmt: skip
        m.fill_halo(t[taup1])

    def equation_of_state(self, level):
        """rho and N^2 (and the dynamic enthalpy and int_drhodT/S of the energy-conserving
        path) at time level ``level`` from temp and salt, halo included."""
        m = self.model
        st, s, d = m.state, m.settings, m.dev
        state = (
            self.eos, st.temp[level], st.salt[level], d.maskT, d.maskW, d.zt, d.dzw, s.grav,
            s.rho_0, st.rho[level], st.Nsqr[level],
        )  # fmt: skip
        if m.energy.on:  # both in one pass (they evaluate the same density polynomials)
            m.backend.launch(
                KH.state_and_enthalpy, m.grid.box(m.grid.h),
                *state, st.Hd[level], st.int_drhodT[level], st.int_drhodS[level],
            )  # fmt: skip
        else:
            m.backend.launch(KE.equation_of_state, m.grid.box(m.grid.h), *state)

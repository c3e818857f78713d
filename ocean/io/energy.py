"""Global energy budget: domain integrals of the energy reservoirs, their changes and the
transfers between them, sampled after steps and written as time means (Veros's ``energy``
diagnostic, with its names where the meaning is the same).

Every term is a volume integral (an area integral for the surface and bottom fluxes)
times ``rho_0``: reservoirs in J, rates in W. The integration weights are those of the
grid: T cells ``area_t dzt maskT``; U and V faces ``area_u dzt``, ``area_v dzt``; W boxes
``area_t dzw maskW`` with the top box half as thick (the weights the closures' column
budgets close with, tests/dynamics/test_turbulence.py).

A sample is taken after a step, when the time levels have rotated: the step started from
``taum1`` and ended at ``tau``. As in Veros, reservoirs and the work terms are evaluated
at the start of the step (``taum1``), changes are (new - old) / dt (dt_mom for TKE, as it
is stepped, dt_tracer for EKE and IDEMIX), and the transfer fields (K_diss_*, P_diss_*,
the closures' forcing and dissipation) are those the step used.

Sums are global and exact under ``reproducible_sums`` (the same on any decomposition:
``backends/exact_sum.py`` accumulators reduced by ``comm.exact_sums``), plain
``Allreduce`` sums otherwise. Each term's integrand is summed once; Veros's composite
terms (``ke_diss_m``, ``tke_hd_m``, ...) are sums of those global integrals.

Where this file differs from Veros's on purpose: ``k_m`` is the centred mean
0.25 (u_i^2 + u_{i-1}^2 + v_j^2 + v_{j-1}^2) (Veros 1.7 misplaces a parenthesis and weights
v_{j-1}^2 by 0.5); without IDEMIX the bottom friction's K_diss_bot is counted
in ``ke_tke_m`` and ``ke_iw_m`` is 0, since TKE is what receives it then (Veros reports it
as ``ke_iw_m`` unless enable_store_bottom_friction_tke). The running sums of a period are
not in restarts (Veros's are): a run continued from a restart appends to the file and
starts its first period afresh.

Terms whose physics is off (or that this model does not diagnose) are absent from the
file. Not diagnosed here, so absent: ``dHd_m`` / ``dE_tot_m`` / ``dHd_sources_m`` (they
need the per-process tracer tendencies dtemp_vmix / dtemp_hmix / dtemp_iso), and the
contributions of K_diss_gm, P_diss_hmix, P_diss_sources and eke_diss_tke to the composite
terms.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5netcdf
import numpy as np

from ocean.backends.exact_sum import accumulate, new_accumulator

from .netcdf import CALENDAR, TIME_UNITS

#: name: (units, long name); the order of the file's variables
TERMS = {
    # reservoirs
    "k_m": ("J", "mean kinetic energy"),
    "Hd_m": ("J", "dynamic enthalpy"),
    "tke_m": ("J", "turbulent kinetic energy"),
    "eke_m": ("J", "meso-scale eddy energy"),
    "iw_m": ("J", "internal wave energy"),
    # changes
    "dk_m": ("W", "change of kinetic energy (work of the step's tendencies and friction)"),
    "dtke_m": ("W", "change of turbulent kinetic energy"),
    "deke_m": ("W", "change of meso-scale eddy energy"),
    "diw_m": ("W", "change of internal wave energy"),
    # external forcing
    "wind_m": ("W", "wind work"),
    "tke_forc_m": ("W", "external forcing of TKE (surface flux and its correction)"),
    "iw_forc_m": ("W", "external forcing of internal wave energy (surface and bottom)"),
    # dissipation
    "ke_diss_m": ("W", "dissipation of kinetic energy"),
    "Hd_diss_m": ("W", "dissipation of dynamic enthalpy"),
    "eke_diss_m": ("W", "dissipation of meso-scale eddy energy"),
    "iw_diss_m": ("W", "dissipation of internal wave energy"),
    "tke_diss_m": ("W", "dissipation of turbulent kinetic energy"),
    "adv_diss_m": ("W", "dissipation by advection"),
    # exchanges
    "ke_hd_m": ("W", "exchange between kinetic energy and dynamic enthalpy"),
    "ke_tke_m": ("W", "exchange KE -> TKE by vertical friction"),
    "ke_iw_m": ("W", "exchange KE -> internal waves by bottom friction"),
    "tke_hd_m": ("W", "exchange TKE -> dynamic enthalpy by vertical mixing"),
    "ke_eke_m": ("W", "exchange KE -> EKE by lateral friction"),
    "hd_eke_m": ("W", "exchange dynamic enthalpy -> EKE by GM and isoneutral mixing"),
    "eke_iw_m": ("W", "exchange EKE -> internal waves (or TKE without IDEMIX)"),
    "cabb_m": ("W", "cabbeling by vertical mixing"),
    "cabb_iso_m": ("W", "cabbeling by isoneutral mixing"),
    # the model's transfer fields, each integrated over the W boxes (not in Veros's file)
    "K_diss_v_m": ("W", "integral of K_diss_v (vertical friction)"),
    "K_diss_h_m": ("W", "integral of K_diss_h (harmonic lateral friction)"),
    "K_diss_bot_m": ("W", "integral of K_diss_bot (bottom friction)"),
    "P_diss_v_m": ("W", "integral of P_diss_v (buoyancy flux kappaH N^2)"),
    "P_diss_nonlin_m": ("W", "integral of P_diss_nonlin (vertical mixing beyond kappaH N^2)"),
    "P_diss_adv_m": ("W", "integral of P_diss_adv (tracer advection)"),
    "P_diss_iso_m": ("W", "integral of P_diss_iso (isoneutral diffusion)"),
    "P_diss_skew_m": ("W", "integral of P_diss_skew (GM skew flux)"),
    "tke_forcing_m": ("W", "integral of tke_forcing (interior energy input into TKE)"),
    "eke_forcing_m": ("W", "integral of eke_forcing (energy input into EKE)"),
    "iw_forcing_m": ("W", "integral of iw_forcing (interior energy input into IDEMIX)"),
}

#: transfer fields integrated over the W boxes when they are allocated
W_FIELDS = (
    "K_diss_v", "K_diss_h", "K_diss_bot", "P_diss_v", "P_diss_nonlin", "P_diss_adv",
    "P_diss_iso", "P_diss_skew", "tke_forcing", "eke_forcing", "iw_forcing", "tke_diss",
    "eke_diss_iw", "iw_diss",
)  # fmt: skip


class EnergyWeights:
    """Host interior integration weights of one block [m3 or m2]."""

    def __init__(self, grid):
        g = grid
        j, i = g.interior
        area_t, area_u, area_v = g.area_t[j, i], g.area_u[j, i], g.area_v[j, i]
        dzt, dzw = g.dzt[:, None, None], g.dzw[:, None, None]
        self.t = area_t * dzt * g.maskT[:, j, i]
        self.u = area_u * dzt
        self.v = area_v * dzt
        w = area_t * dzw * g.maskW[:, j, i]
        w[-1] *= 0.5
        self.w = w
        self.area_t, self.area_u, self.area_v = area_t, area_u, area_v
        self.maskW, self.maskU, self.maskV = (
            g.maskW[:, j, i], g.maskU[:, j, i], g.maskV[:, j, i],
        )  # fmt: skip


def integrands(model):
    """{name: host interior integrand} of this block after a step; the global sum of each
    times rho_0 is the term (before the composites)."""
    st, s, g = model.state, model.settings, model.grid
    wt = EnergyWeights(g)
    have = st.arrays.__contains__
    j, i = g.interior
    jm = slice(j.start - 1, j.stop - 1)
    im = slice(i.start - 1, i.stop - 1)

    def full(name, level="taum1"):
        return st.get(name, level, halo=True)

    out = {}
    u, v = full("u"), full("v")
    ut2 = 0.5 * (u[:, j, i] ** 2 + u[:, j, im] ** 2)
    vt2 = 0.5 * (v[:, j, i] ** 2 + v[:, jm, i] ** 2)
    out["k_m"] = wt.t * 0.5 * (ut2 + vt2)
    if have("Hd"):
        out["Hd_m"] = wt.t * st.get("Hd", "taum1")
    ui, vi = u[:, j, i], v[:, j, i]
    du, dv = st.get("du", "taum1"), st.get("dv", "taum1")
    out["dk_m"] = ui * (du + st.get("du_mix")) * wt.u + vi * (dv + st.get("dv_mix")) * wt.v
    # w [m s-1] times the vertical difference of p_hydro [m2 s-2]: work against gravity
    w, p = st.get("w", "taum1"), st.get("p_hydro")
    wrho = np.zeros_like(w)
    wrho[:-1] = -wt.area_t * wt.maskW[:-1] * (p[1:] - p[:-1]) * w[:-1]
    out["ke_hd_m"] = wrho
    taux, tauy = st.get("surface_taux") / s.rho_0, st.get("surface_tauy") / s.rho_0
    out["wind_m"] = (
        ui[-1] * taux * wt.maskU[-1] * wt.area_u + vi[-1] * tauy * wt.maskV[-1] * wt.area_v
    )
    for name in W_FIELDS:
        if have(name):
            out[name] = wt.w * st.get(name)
    for name, reservoir, change, dt in (
        ("tke", "tke_m", "dtke_m", s.dt_mom),
        ("eke", "eke_m", "deke_m", s.dt_tracer),
        ("E_iw", "iw_m", "diw_m", s.dt_tracer),
    ):
        if have(name):
            old, new = st.get(name, "taum1"), st.get(name, "tau")
            out[reservoir] = wt.w * old
            out[change] = wt.w * (new - old) / dt
    if have("tke"):
        surface = st.get("forc_tke_surface") + st.get("tke_surf_corr")
        out["tke_forc_m"] = wt.area_t * wt.maskW[-1] * surface
    if have("E_iw"):  # the bottom flux enters the deepest wet W box (land: k = 0, dry)
        k = np.maximum(g.kbot[j, i], 1) - 1
        bottom_mask = np.take_along_axis(wt.maskW, k[None], axis=0)[0]
        flux = st.get("forc_iw_surface") * wt.maskW[-1] + st.get("forc_iw_bottom") * bottom_mask
        out["iw_forc_m"] = wt.area_t * flux
    return out


def global_sums(model, parts):
    """{name: global sum} of the host arrays ``parts``: exact under reproducible_sums."""
    names = list(parts)
    if not names:
        return {}
    if model.settings.reproducible_sums:
        local = np.stack([accumulate(new_accumulator(), parts[n]) for n in names])
        totals = model.comm.exact_sums(local)
    else:
        totals = model.comm.allreduce_sums([float(np.sum(parts[n])) for n in names])
    return dict(zip(names, totals, strict=True))


def budget(model):
    """{term: value} of one sample (per unit density: multiply by rho_0 for J and W)."""
    s = model.settings
    sums = global_sums(model, integrands(model))
    out = {n: sums[n] for n in sums if n in TERMS}
    for name in W_FIELDS:
        if name in sums and f"{name}_m" in TERMS:
            out[f"{name}_m"] = sums[name]

    def get(name):
        return sums.get(name, 0.0)

    if "tke_diss" in sums:
        out["tke_diss_m"] = sums["tke_diss"]
    if "eke_diss_iw" in sums:
        out["eke_diss_m"] = sums["eke_diss_iw"]
        out["eke_iw_m"] = sums["eke_diss_iw"]
    if "iw_diss" in sums:
        out["iw_diss_m"] = sums["iw_diss"]
    k_diss = [n for n in ("K_diss_h", "K_diss_v", "K_diss_bot") if n in sums]
    if k_diss:
        out["ke_diss_m"] = sum(sums[n] for n in k_diss)
    p_diss = [n for n in ("P_diss_v", "P_diss_nonlin", "P_diss_adv", "P_diss_iso",
                          "P_diss_skew") if n in sums]  # fmt: skip
    if p_diss:
        out["Hd_diss_m"] = sum(sums[n] for n in p_diss)
    if "P_diss_adv" in sums:
        out["adv_diss_m"] = sums["P_diss_adv"]
    if "K_diss_v" in sums:
        store_bottom = s.enable_store_bottom_friction_tke or not s.enable_idemix
        out["ke_tke_m"] = get("K_diss_v") + (get("K_diss_bot") if store_bottom else 0.0)
        if "K_diss_bot" in sums:
            out["ke_iw_m"] = 0.0 if store_bottom else sums["K_diss_bot"]
    if "P_diss_v" in sums:  # Veros without enable_store_cabbeling_heat
        out["tke_hd_m"] = -get("P_diss_v") - get("P_diss_adv") - get("P_diss_nonlin")
    if "K_diss_h" in sums:
        out["ke_eke_m"] = sums["K_diss_h"]
    if "P_diss_skew" in sums:
        out["hd_eke_m"] = -sums["P_diss_skew"] - get("P_diss_iso")
    if "P_diss_nonlin" in sums:
        out["cabb_m"] = sums["P_diss_nonlin"]
    if "P_diss_iso" in sums:
        out["cabb_iso_m"] = sums["P_diss_iso"]
    return {n: out[n] for n in TERMS if n in out}


class EnergyBudget:
    """Time means of :func:`budget` times rho_0 over ``energy_frequency``, sampled every
    ``energy_sampling`` steps, appended to one NetCDF file (collective: all ranks call;
    rank 0 writes)."""

    def __init__(self, model, path, append=False):
        self.model = model
        self.path = Path(path)
        self.root = model.comm.rank == 0
        self.sums, self.samples = {}, 0
        self.names = None  # fixed by the first sample (what the switched-on physics has)
        self.append = append

    def sample(self):
        for name, value in budget(self.model).items():
            self.sums[name] = self.sums.get(name, 0.0) + value
        self.samples += 1

    def write(self):
        if self.samples == 0:
            return False
        m = self.model
        means = {n: v * m.settings.rho_0 / self.samples for n, v in self.sums.items()}
        if self.root:
            if self.names is None:
                self.names = list(means)
                if not (self.append and self._can_append()):
                    self._create()
            with h5netcdf.File(self.path, "a") as f:
                n = f.dimensions["time"].size
                f.resize_dimension("time", n + 1)
                f.variables["time"][n] = m.state.time / 86400.0
                f.variables["samples"][n] = self.samples
                for name in self.names:
                    f.variables[name][n] = means.get(name, np.nan)
        self.sums, self.samples = {}, 0
        return True

    def _can_append(self):
        try:
            with h5netcdf.File(self.path, "r") as f:
                if any(n not in f.variables for n in self.names):
                    return False
                times = f.variables["time"][...]
        except (OSError, KeyError):
            return False
        return not (times.size and times[-1] * 86400.0 > self.model.state.time + 1.0)

    def _create(self):
        m = self.model
        tmp = self.path.with_name(self.path.name + ".tmp")
        with h5netcdf.File(tmp, "w") as f:
            f.attrs.update(
                {"Conventions": "CF-1.8", "title": f"{m.name} energy budget",
                 "source": "ocean-hybrid", "setup": m.name}
            )  # fmt: skip
            f.dimensions = {"time": None}
            t = f.create_variable("time", ("time",), "f8")
            t.attrs.update({"units": TIME_UNITS, "calendar": CALENDAR, "standard_name": "time"})
            t.attrs["long_name"] = "model time at the end of the averaging period"
            n = f.create_variable("samples", ("time",), "i8")
            n.attrs.update({"units": "1", "long_name": "steps averaged"})
            for name in self.names:
                units, long_name = TERMS[name]
                v = f.create_variable(name, ("time",), "f8")
                v.attrs.update({"units": units, "long_name": long_name})
        os.replace(tmp, self.path)

"""Output fields: what a snapshot or average holds, computed on the host from the state."""

from __future__ import annotations

import numpy as np

from ocean.variables import DIAGNOSTICS

#: fields written to snapshots and averages besides the tracers
OUTPUT_FIELDS = ("u", "v", "w", "rho", "surface_pressure", "ssh", "kinetic_energy")

MASK_OF = {"T": "maskT", "U": "maskU", "V": "maskV", "W": "maskW", "T2": "maskT"}


def output_names(state):
    """The tracers, ``OUTPUT_FIELDS`` and every other allocated field marked ``output``
    (those of the closures that are switched on: TKE, its mixing length, IDEMIX's E_iw)."""
    names = tuple(state.tracers) + OUTPUT_FIELDS
    marked = tuple(n for n, var in state.variables.items() if var.output and n not in names)
    return names + marked


def describe(state, name):
    """(Var, location) of an output field."""
    var = DIAGNOSTICS.get(name) or state.variables[name]
    return var, var.loc


def compute(model, name):
    """Host interior array of an output field at time level tau (land is NaN)."""
    st, g, s = model.state, model.grid, model.settings
    if name in ("surface_pressure", "ssh"):
        psi = st.get("psi")
        value = psi * s.rho_0 if name == "surface_pressure" else psi / s.grav
        return np.where(g.maskT[(-1,) + g.interior] > 0, value, np.nan)
    if name == "kinetic_energy":
        u, v = st.get("u", halo=True), st.get("v", halo=True)
        ut = 0.5 * (u + np.roll(u, 1, axis=-1))
        vt = 0.5 * (v + np.roll(v, 1, axis=-2))
        ke = 0.5 * (ut**2 + vt**2)[(slice(None),) + g.interior]
        return np.where(g.maskT[(slice(None),) + g.interior] > 0, ke, np.nan)
    var = st.variables[name]
    mask = getattr(g, MASK_OF[var.loc])[(slice(None),) + g.interior]
    return np.where(mask > 0, st.get(name), np.nan)

"""Output fields: what a snapshot or average holds, computed on the host from the state."""

from __future__ import annotations

import numpy as np

from ocean.errors import SetupError
from ocean.variables import DIAGNOSTICS

#: fields written to snapshots and averages besides the tracers; a streamfunction run
#: writes no SURFACE_FIELDS and its ``streamfunction`` (a field marked ``output``) instead
OUTPUT_FIELDS = ("u", "v", "w", "rho", "surface_pressure", "ssh", "kinetic_energy")

#: the fields of the surface pressure psi, which a streamfunction run (rigid lid) lacks
SURFACE_FIELDS = ("surface_pressure", "ssh")

MASK_OF = {"T": "maskT", "U": "maskU", "V": "maskV", "W": "maskW",
           "T2": "maskT", "U2": "maskU", "V2": "maskV"}  # fmt: skip


def output_names(state):
    """The tracers, ``OUTPUT_FIELDS`` and every other allocated field marked ``output``
    (the streamfunction, and those of the closures that are switched on: TKE, its mixing
    length, IDEMIX's E_iw). Without a surface pressure (external_mode "streamfunction")
    there is no ssh or surface_pressure."""
    fields = OUTPUT_FIELDS
    if not has_surface_pressure(state):
        fields = tuple(n for n in fields if n not in SURFACE_FIELDS)
    names = tuple(state.tracers) + fields
    marked = tuple(n for n, var in state.variables.items() if var.output and n not in names)
    return names + marked


def has_surface_pressure(state):
    """True where the external mode solves for the surface pressure psi (free surface or
    rigid lid); the streamfunction method has no surface pressure and no surface height."""
    return state.settings.external_mode != "streamfunction"


def check_name(state, name):
    """A clear error for ``ssh`` or ``surface_pressure`` asked of a streamfunction run."""
    if name in SURFACE_FIELDS and not has_surface_pressure(state):
        raise SetupError(
            f"output field {name!r} does not exist under external_mode 'streamfunction' "
            "(a rigid lid without a surface pressure: its barotropic flow is the field "
            f"'streamfunction'); output fields are {', '.join(output_names(state))}"
        )


def describe(state, name):
    """(Var, location) of an output field."""
    check_name(state, name)
    var = DIAGNOSTICS.get(name) or state.variables[name]
    return var, var.loc


def interior_mask(grid, loc):
    """Where a field at ``loc`` has a value on the block's interior (boolean): the wet
    points of its mask (2-D locations: the top level). Corners (Z2) count when they touch
    a wet T cell: the wet corners and the coast ring, where the streamfunction holds the
    land masses' values. Each interior point's own (north-east) corner is written, as each
    interior U and V point is its cell's east and north face."""
    if loc == "Z2":
        wet = grid.maskT[-1] > 0
        touches = np.zeros_like(wet)
        touches[:-1, :-1] = wet[:-1, :-1] | wet[:-1, 1:] | wet[1:, :-1] | wet[1:, 1:]
        return touches[grid.interior]
    mask = getattr(grid, MASK_OF[loc])
    level = -1 if loc.endswith("2") else slice(None)
    return mask[(level,) + grid.interior] > 0


def compute(model, name):
    """Host interior array of an output field at time level tau (land is NaN)."""
    st, g, s = model.state, model.grid, model.settings
    check_name(st, name)
    if name in SURFACE_FIELDS:
        psi = st.get("psi")
        value = psi * s.rho_0 if name == "surface_pressure" else psi / s.grav
        return np.where(interior_mask(g, "T2"), value, np.nan)
    if name == "kinetic_energy":
        u, v = st.get("u", halo=True), st.get("v", halo=True)
        ut = 0.5 * (u + np.roll(u, 1, axis=-1))
        vt = 0.5 * (v + np.roll(v, 1, axis=-2))
        ke = 0.5 * (ut**2 + vt**2)[(slice(None),) + g.interior]
        return np.where(interior_mask(g, "T"), ke, np.nan)
    var = st.variables[name]
    return np.where(interior_mask(g, var.loc), st.get(name), np.nan)

"""Model state: every field of the variable table, allocated on the backend.

Fields with three time levels have a leading level axis; the levels are rotated by index
(``taum1, tau, taup1``), never copied.
"""

from __future__ import annotations

import numpy as np

from .variables import (
    CONSERVE_ENERGY,
    EKE,
    IDEMIX,
    ISONEUTRAL,
    SPONGE,
    STREAMFUNCTION,
    TKE,
    TRACER_FORCING,
    VARIABLES,
    WGRID_ADVECTION,
    Var,
    passive_tracer_var,
)


class State:
    def __init__(self, settings, grid, backend):
        self.settings, self.grid, self.backend = settings, grid, backend
        self.taum1, self.tau, self.taup1 = 0, 1, 2
        self.itt = 0
        self.time = 0.0
        self.tracers = ("temp", "salt") + tuple(settings.passive_tracers)
        self.variables: dict[str, Var] = dict(VARIABLES)
        for name in settings.passive_tracers:
            if name in self.variables:
                raise ValueError(f"passive tracer name {name!r} clashes with a model variable")
            self.variables[name] = passive_tracer_var(name)
            tendency = Var("T", "s-1", f"advection tendency of {name}", None, 3, False, True)
            self.variables["d" + name] = tendency
        for name in self.tracers:
            self._add_templates(TRACER_FORCING, name)
        if settings.enable_sponge:
            self._add_templates(SPONGE, *self.tracers)
        if settings.enable_tke:
            self.variables.update(TKE)
        if settings.enable_idemix:
            self.variables.update(IDEMIX)
        if settings.enable_neutral_diffusion or settings.enable_eke:
            self.variables.update(ISONEUTRAL)
        if settings.enable_eke:
            self.variables.update(EKE)
        if settings.external_mode == "streamfunction":
            self.variables.update(STREAMFUNCTION)
        if settings.enable_conserve_energy and (settings.enable_tke or settings.enable_eke):
            self.variables.update(CONSERVE_ENERGY)
        if any(
            settings[f"enable_{name}_{scheme}_advection"]
            for name in ("tke", "idemix", "eke")
            for scheme in ("superbee", "upwind")
        ):
            self.variables.update(WGRID_ADVECTION)
        self.arrays = {}
        for name, var in self.variables.items():
            self.arrays[name] = backend.zeros(self.shape_of(var))

    def _add_templates(self, templates, *tracers):
        for tracer in tracers:
            units = self.variables[tracer].units
            for key, var in templates.items():
                name = key.format(tracer=tracer)
                self.variables[name] = Var(
                    var.loc,
                    var.units.format(units=units),
                    var.long_name.format(tracer=tracer),
                    None,
                    var.levels,
                )

    def shape_of(self, var: Var):
        g = self.grid
        shape = g.shape2 if var.loc.endswith("2") else g.shape3
        return (var.levels,) + shape if var.levels > 1 else shape

    def __getattr__(self, name):
        arrays = self.__dict__.get("arrays")
        if arrays is not None and name in arrays:
            return arrays[name]
        raise AttributeError(f"state has no field {name!r}")

    # -- time levels ------------------------------------------------------------------
    def rotate(self):
        self.taum1, self.tau, self.taup1 = self.tau, self.taup1, self.taum1

    # -- setting fields from setups (host arrays, interior or full shape) ---------------
    def set(self, name: str, values, levels="all"):
        """Set ``name`` from host values given on the interior or the full grid.

        3-level fields are set at every level unless ``levels`` names one ("tau"). Values on
        the global interior are cut to this rank's block; halos are filled by the grid's
        halo exchange.
        """
        var = self._var(name)
        g = self.grid
        values = g.local_part(np.asarray(values, dtype=float))
        if var.loc.endswith("2"):
            full = g.pad2(np.broadcast_to(values, _interior_or_full(values, g, 2)), extend=False)
        else:
            target = _interior_or_full(values, g, 3)
            values = np.broadcast_to(values, target)
            if target == g.shape3:
                full = np.array(values)
            else:  # zero beyond the domain's edges, the neighbours' values elsewhere
                full = np.stack([np.pad(values[k], g.h) for k in range(g.nz)])
                g.exchange_host(full)
        arr = self.arrays[name]
        dev = self.backend.asarray(full)
        if var.levels > 1:
            for lev in range(var.levels) if levels == "all" else [getattr(self, levels)]:
                self.backend.copy(arr[lev], dev)
        else:
            self.backend.copy(arr, dev)

    def get(self, name: str, level: str = "tau", halo: bool = False):
        """Host copy of ``name`` (at time level ``level``), interior only unless ``halo``."""
        var = self._var(name)
        arr = self.arrays[name]
        if var.levels > 1:
            arr = arr[getattr(self, level)]
        host = self.backend.to_host(arr)
        return host.copy() if halo else host[(Ellipsis,) + self.grid.interior].copy()

    def _var(self, name):
        if name not in self.variables:
            raise KeyError(f"unknown field {name!r}; fields are {sorted(self.variables)}")
        return self.variables[name]


def _interior_or_full(values, grid, ndim):
    """Broadcast target: interior shape unless the values already have the full shape."""
    full = grid.shape2 if ndim == 2 else grid.shape3
    inner = (grid.ny, grid.nx) if ndim == 2 else (grid.nz, grid.ny, grid.nx)
    if values.shape[-2:] == full[-2:]:
        return full
    return inner

"""The typed settings table: every setting with its default, type, units, doc and check.

An unknown name or a bad value fails at once with a message naming the setting, what was
given and what is allowed.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass


class SettingError(ValueError):
    """A setting name or value that the model cannot accept."""


@dataclass(frozen=True)
class Setting:
    default: object
    type: type
    units: str
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None

    def check(self, name: str, value):
        value = self.coerce(name, value)
        if self.choices is not None and value not in self.choices:
            raise SettingError(
                f"setting {name!r}: {value!r} is not allowed; choose one of {list(self.choices)}"
            )
        if self.type in (int, float):
            if isinstance(value, float) and not math.isfinite(value):
                raise SettingError(f"setting {name!r}: {value!r} is not a finite number")
            if self.low is not None and value < self.low:
                raise SettingError(
                    f"setting {name!r}: {value!r} is below the allowed range "
                    f"[{self.low}, {self.high if self.high is not None else 'inf'}] {self.units}"
                )
            if self.high is not None and value > self.high:
                raise SettingError(
                    f"setting {name!r}: {value!r} is above the allowed range "
                    f"[{self.low}, {self.high}] {self.units}"
                )
        return value

    def coerce(self, name: str, value):
        """Accept the setting's type, or a string from the command line that parses as it."""
        t = self.type
        if t is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on"):
                return True
            if isinstance(value, str) and value.lower() in ("false", "0", "no", "off"):
                return False
        elif t in (int, float):
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if t is int and isinstance(value, float) and value.is_integer():
                return int(value)
            if (number and (t is float or isinstance(value, int))) or isinstance(value, str):
                try:
                    return t(value)
                except ValueError:
                    pass
        elif t is str:
            if isinstance(value, str):
                return value
        elif t is tuple:
            if isinstance(value, (tuple, list)):
                return tuple(value)
            if isinstance(value, str):
                return tuple(v for v in value.replace(",", " ").split() if v)
        raise SettingError(
            f"setting {name!r}: expected {t.__name__}, got {type(value).__name__} {value!r}"
        )


POS = 0.0
DAY = 86400.0

SETTINGS: dict[str, Setting] = {
    # identification and grid
    "identifier": Setting("ocean", str, "", "run name, used for output file names"),
    "nx": Setting(30, int, "1", "interior grid points in x", low=1),
    "ny": Setting(30, int, "1", "interior grid points in y", low=1),
    "nz": Setting(10, int, "1", "vertical levels", low=1),
    "halo": Setting(2, int, "1", "halo width (>= the largest kernel radius)", low=2, high=8),
    "coord_degree": Setting(False, bool, "", "spherical grid in degrees (else Cartesian metres)"),
    "enable_cyclic_x": Setting(False, bool, "", "periodic in x"),
    "x_origin": Setting(0.0, float, "deg or m", "x of the east face of the first interior cell"),
    "y_origin": Setting(0.0, float, "deg or m", "y of the north face of the first interior cell"),
    # time stepping
    "dt_mom": Setting(3600.0, float, "s", "momentum time step", low=1e-6),
    "dt_tracer": Setting(3600.0, float, "s", "tracer time step (model time step)", low=1e-6),
    "runlen": Setting(10 * DAY, float, "s", "default length of a run", low=0.0),
    "AB_eps": Setting(0.1, float, "1", "Adams-Bashforth 2 offset", low=0.0, high=0.5),
    # constants
    "rho_0": Setting(1024.0, float, "kg m-3", "Boussinesq reference density", low=1.0),
    "grav": Setting(9.81, float, "m s-2", "gravitational acceleration", low=0.0),
    "radius": Setting(6370e3, float, "m", "Earth radius", low=1.0),
    "omega": Setting(math.pi / 43082.0, float, "s-1", "Earth rotation rate", low=0.0),
    # external mode
    "external_mode": Setting(
        "free_surface",
        str,
        "",
        "external mode: surface pressure (implicit free surface or rigid lid) or the "
        "barotropic streamfunction with island integrals (rigid lid; Veros's default)",
        choices=("free_surface", "rigid_lid", "streamfunction"),
    ),
    "elliptic_solver": Setting(
        "pcg",
        str,
        "",
        "solver of the external mode's 2-D elliptic problem: the preconditioned conjugate "
        "gradient (congr_* settings; any external mode) or a banded Cholesky factor of the "
        "global operator on rank 0 (free_surface and streamfunction; exact to round-off, "
        "memory 8 nx^2 ny bytes)",
        choices=("pcg", "direct"),
    ),
    "congr_epsilon": Setting(
        1e-12, float, "1", "surface-pressure PCG: relative residual tolerance", low=0.0, high=1e-2
    ),
    "congr_max_iterations": Setting(5000, int, "1", "surface-pressure PCG: max iterations", low=1),
    "congr_coarse_tile": Setting(
        0,
        int,
        "cells",
        "PCG coarse correction on square tiles of this side (0: Jacobi only)",
        low=0,
    ),
    # momentum
    "enable_momentum_advection": Setting(True, bool, "", "flux-form momentum advection"),
    "A_h": Setting(0.0, float, "m2 s-1", "harmonic lateral viscosity", low=0.0),
    "enable_hor_friction_cos_scaling": Setting(False, bool, "", "scale A_h by cos(lat)^power"),
    "hor_friction_cosPower": Setting(3.0, float, "1", "power of cos(lat) for A_h", low=0.0),
    "A_hbi": Setting(0.0, float, "m4 s-1", "biharmonic lateral viscosity", low=0.0),
    "biharmonic_friction_cosPower": Setting(0.0, float, "1", "cos(lat) power for A_hbi", low=0),
    "enable_implicit_vert_friction": Setting(True, bool, "", "implicit vertical viscosity"),
    "kappaM_0": Setting(1e-4, float, "m2 s-1", "vertical viscosity", low=0.0),
    "r_bot": Setting(0.0, float, "s-1", "linear bottom friction", low=0.0),
    "r_quad_bot": Setting(0.0, float, "1", "quadratic bottom drag coefficient", low=0.0),
    "prescribed_velocity": Setting(
        False, bool, "", "keep u, v at their initial values (offline tracer transport)"
    ),
    # tracers
    "tracer_advection": Setting(
        "superbee",
        str,
        "",
        "tracer advection scheme",
        choices=("centred", "superbee", "dst3", "dst3_limited"),
    ),
    "K_h": Setting(0.0, float, "m2 s-1", "harmonic lateral tracer diffusivity", low=0.0),
    "kappaH_0": Setting(1e-5, float, "m2 s-1", "vertical diffusivity", low=0.0),
    "enable_convective_mixing": Setting(True, bool, "", "raise kappaH where N^2 < 0"),
    "kappaH_convective": Setting(1.0, float, "m2 s-1", "diffusivity where N^2 < 0", low=0.0),
    # TKE closure (Gaspar et al. 1990 as pyOM2/Veros; defaults as Veros)
    "enable_tke": Setting(
        False, bool, "", "kappaM, kappaH from prognostic TKE (needs implicit vertical friction)"
    ),
    "c_k": Setting(0.1, float, "1", "TKE: kappaM = c_k L sqrt(E)", low=0.0),
    "c_eps": Setting(0.7, float, "1", "TKE: dissipation c_eps E^(3/2) / L", low=0.0),
    "alpha_tke": Setting(1.0, float, "1", "TKE: its diffusivity is alpha_tke kappaM", low=0.0),
    "mxl_min": Setting(1e-12, float, "m", "TKE: smallest mixing length", low=0.0),
    "tke_mxl_choice": Setting(
        1,
        int,
        "1",
        "TKE mixing length bound: 1 distance to surface/bottom, 2 MITgcm/OPA",
        low=1,
        high=2,
    ),  # fmt: skip
    "kappaM_min": Setting(0.0, float, "m2 s-1", "TKE: smallest viscosity", low=0.0),
    "kappaM_max": Setting(100.0, float, "m2 s-1", "TKE: largest viscosity", low=0.0),
    "kappaH_min": Setting(0.0, float, "m2 s-1", "TKE: smallest diffusivity", low=0.0),
    "enable_Prandtl_tke": Setting(
        True, bool, "", "TKE: Prandtl number max(1, min(10, 6.6 Ri)), else Prandtl_tke0"
    ),
    "Prandtl_tke0": Setting(10.0, float, "1", "TKE: constant Prandtl number", low=1e-12),
    "enable_kappaH_profile": Setting(
        False, bool, "", "TKE: kappaH at least the Bryan & Lewis (1979) profile"
    ),
    "enable_tke_hor_diffusion": Setting(False, bool, "", "TKE: lateral diffusion of E"),
    "K_h_tke": Setting(2000.0, float, "m2 s-1", "TKE: lateral diffusivity of E", low=0.0),
    "enable_tke_superbee_advection": Setting(False, bool, "", "TKE: superbee advection of E"),
    "enable_tke_upwind_advection": Setting(False, bool, "", "TKE: upwind advection of E"),
    # IDEMIX internal-wave energy (Olbers & Eden 2013; defaults as Veros)
    "enable_idemix": Setting(False, bool, "", "IDEMIX internal-wave energy (needs enable_tke)"),
    "tau_v": Setting(2 * DAY, float, "s", "IDEMIX: vertical time scale", low=0.0),
    "tau_h": Setting(15 * DAY, float, "s", "IDEMIX: lateral time scale", low=0.0),
    "gamma": Setting(1.57, float, "1", "IDEMIX: group-velocity scale", low=0.0),
    "jstar": Setting(5.0, float, "1", "IDEMIX: modal bandwidth", low=1e-12),
    "mu0": Setting(1.0 / 3.0, float, "1", "IDEMIX: dissipation parameter", low=0.0),
    "enable_idemix_hor_diffusion": Setting(False, bool, "", "IDEMIX: lateral propagation of E_iw"),
    "enable_idemix_superbee_advection": Setting(
        False, bool, "", "IDEMIX: superbee advection of E_iw"
    ),
    "enable_idemix_upwind_advection": Setting(False, bool, "", "IDEMIX: upwind advection"),
    # isoneutral (Redi) diffusion and the GM skew flux (Griffies et al. 1998 triads, as
    # pyOM2/Veros; defaults as Veros)
    "enable_neutral_diffusion": Setting(
        False, bool, "", "isoneutral (Redi) diffusion of the tracers, K_iso along neutral slopes"
    ),
    "enable_skew_diffusion": Setting(
        False, bool, "", "Gent-McWilliams skew flux with K_gm (needs enable_neutral_diffusion)"
    ),
    "K_iso_0": Setting(0.0, float, "m2 s-1", "isoneutral diffusivity", low=0.0),
    "K_iso_steep": Setting(
        0.0, float, "m2 s-1", "floor of the lateral diffusivity where slopes are tapered", low=0.0
    ),
    "K_gm_0": Setting(0.0, float, "m2 s-1", "GM thickness diffusivity", low=0.0),
    "iso_slopec": Setting(1e-3, float, "1", "isoneutral slope at the taper's midpoint", low=0.0),
    "iso_dslope": Setting(8e-4, float, "1", "width of the slope taper", low=1e-12),
    # the energy transfers between the resolved flow and the closures (as Veros)
    "enable_conserve_energy": Setting(
        True,
        bool,
        "",
        "exchange energy consistently: the dissipation of friction, advection "
        "and mixing feeds TKE, EKE and IDEMIX (Veros's energy-conserving path)",
    ),
    "enable_store_bottom_friction_tke": Setting(
        False, bool, "", "with IDEMIX, bottom friction's dissipation feeds TKE, not the waves"
    ),
    # mesoscale eddy kinetic energy (Eden & Greatbatch 2008; defaults as Veros)
    "enable_eke": Setting(
        False, bool, "", "EKE closure: K_gm (and K_iso) from prognostic eddy kinetic energy"
    ),
    "eke_lmin": Setting(100.0, float, "m", "EKE: smallest eddy length scale", low=0.0),
    "eke_c_k": Setting(1.0, float, "1", "EKE: K_gm = eke_c_k L sqrt(E)", low=0.0),
    "eke_cross": Setting(1.0, float, "1", "EKE: L <= eke_cross L_Rossby", low=0.0),
    "eke_crhin": Setting(1.0, float, "1", "EKE: L <= eke_crhin L_Rhines", low=0.0),
    "eke_c_eps": Setting(1.0, float, "1", "EKE: dissipation eke_c_eps E^(3/2) / L", low=0.0),
    "eke_k_max": Setting(1e4, float, "m2 s-1", "EKE: largest K_gm", low=0.0),
    "alpha_eke": Setting(1.0, float, "1", "EKE: its vertical diffusivity is alpha_eke kappaM"),
    "enable_eke_isopycnal_diffusion": Setting(False, bool, "", "EKE: K_iso = K_gm"),
    "enable_eke_superbee_advection": Setting(False, bool, "", "EKE: superbee advection of E"),
    "enable_eke_upwind_advection": Setting(False, bool, "", "EKE: upwind advection of E"),
    "enable_eke_diss_bottom": Setting(
        False, bool, "", "EKE: its column-integrated dissipation forces IDEMIX at the bottom"
    ),
    "enable_eke_diss_surfbot": Setting(
        False,
        bool,
        "",
        "EKE: its column-integrated dissipation forces IDEMIX at the bottom "
        "(eke_diss_surfbot_frac) and the surface (the rest)",
    ),
    "eke_diss_surfbot_frac": Setting(
        1.0, float, "1", "EKE: the share of enable_eke_diss_surfbot at the bottom", 0.0, 1.0
    ),
    "passive_tracers": Setting((), tuple, "", "names of passive tracers (e.g. 'age dye')"),
    "enable_sponge": Setting(False, bool, "", "allocate sponge (interior restoring) fields"),
    "eq_of_state": Setting(
        "linear",
        str,
        "",
        "equation of state (Veros's types 1-5: linear, quadratic, nonlinear_vallis, "
        "quadratic_temperature_only, teos10)",
        choices=("linear", "nonlinear_vallis", "teos10", "quadratic", "quadratic_temperature_only"),
    ),
    # closures (plugins)
    "closures": Setting(
        (), tuple, "", "closures by registered name or .onnx path (`ocean closures list`)"
    ),
    "closure_tile": Setting(
        0, int, "cells", "ONNX closures run on tiles of this side (0: the whole block)", low=0
    ),
    "zb2020_scaling": Setting(
        1.0, float, "1", "Zanna-Bolton 2020: kappa = -scaling * cell area", low=0.0
    ),
    "smagorinsky_constant": Setting(0.1, float, "1", "Smagorinsky: nu = (C dx)^2 |S|", low=0.0),
    "leith_constant": Setting(1.0, float, "1", "Leith: nu = (C dx / pi)^3 |grad zeta|", low=0.0),
    "gm_diffusivity": Setting(
        1000.0, float, "m2 s-1", "GM thickness diffusivity of the gm closure", low=0.0
    ),
    "gm_slope_max": Setting(
        0.01, float, "1", "GM closure: isopycnal slopes are tapered beyond this", low=0.0
    ),
    # output, checks and restarts
    "snapshot_frequency": Setting(10 * DAY, float, "s", "snapshot interval (0: end only)", low=0),
    "averages_frequency": Setting(0.0, float, "s", "averaging period (0: no averages)", low=0.0),
    "averages_sampling": Setting(1, int, "steps", "sample averages every N steps", low=1),
    "energy_frequency": Setting(
        0.0, float, "s", "energy-budget averaging period (0: no energy diagnostic)", low=0.0
    ),
    "energy_sampling": Setting(1, int, "steps", "sample the energy budget every N steps", low=1),
    "restart_frequency": Setting(0.0, float, "s", "restart interval (0: end of run only)", low=0),
    "check_interval": Setting(10, int, "steps", "NaN and CFL check every N steps", low=1),
    "cfl_max": Setting(1.0, float, "1", "largest advective Courant number allowed", low=0.0),
    # parallel runs
    "decomp_x": Setting(0, int, "1", "blocks in x under MPI (0 with decomp_y 0: automatic)", low=0),
    "decomp_y": Setting(0, int, "1", "blocks in y under MPI (0 with decomp_x 0: automatic)", low=0),
    "reproducible_sums": Setting(
        True, bool, "", "exact global sums: results independent of the decomposition"
    ),
}


class Settings:
    """Settings of one run. Attribute access; assignment is validated against the table.

    ``extra`` adds a setup's own settings (e.g. a resolution) to the model's table.
    ``overrides`` (from ``-s NAME VALUE`` or ``Model(settings=...)``) are applied first and
    locked: the setup's ``set_parameter`` cannot undo them (as in Veros).
    """

    def __init__(self, extra=None, overrides=None):
        table = dict(SETTINGS)
        for name in extra or {}:
            if name in SETTINGS:
                raise SettingError(f"setup setting {name!r} clashes with a model setting")
        table.update(extra or {})
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_values", {k: v.default for k, v in table.items()})
        object.__setattr__(self, "_locked", set())
        for name, value in (overrides or {}).items():
            self[name] = value
            self._locked.add(name)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(unknown_setting_message(name, self._table)) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __getitem__(self, name):
        return getattr(self, name)

    def __setitem__(self, name, value):
        if name not in self._table:
            raise SettingError(unknown_setting_message(name, self._table))
        value = self._table[name].check(name, value)
        if name not in self._locked:
            self._values[name] = value

    @property
    def table(self) -> dict:
        return dict(self._table)

    def as_dict(self) -> dict:
        return dict(self._values)


def unknown_setting_message(name: str, table=None) -> str:
    table = SETTINGS if table is None else table
    close = difflib.get_close_matches(name, table, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown setting {name!r}{hint} (`ocean settings` lists all)"

"""The variable table: one entry per model field. Allocation, output and restarts read it.

Locations: T (cell centre), U (east face), V (north face), W (top face) for 3-D fields;
T2, U2, V2 for 2-D (surface) fields, and Z2 for 2-D fields at the north-east corner of
the cell (Veros's zeta points, coordinates xu, yu): the barotropic streamfunction.
``levels=3`` means the field carries the three Adams-Bashforth time levels (taum1, tau,
taup1) on a leading axis. ``comment`` goes to the output file's ``comment`` attribute.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Var:
    loc: str
    units: str
    long_name: str
    standard_name: str | None = None
    levels: int = 1
    output: bool = False
    restart: bool = False
    comment: str | None = None


VARIABLES: dict[str, Var] = {
    # prognostic
    "u": Var("U", "m s-1", "zonal velocity", "sea_water_x_velocity", 3, True, True),
    "v": Var("V", "m s-1", "meridional velocity", "sea_water_y_velocity", 3, True, True),
    "w": Var("W", "m s-1", "vertical velocity", "upward_sea_water_velocity", 3, True, True),
    "temp": Var(
        "T", "degC", "potential temperature", "sea_water_potential_temperature", 3, True, True
    ),
    "salt": Var("T", "g kg-1", "salinity", "sea_water_salinity", 3, True, True),
    "psi": Var("T2", "m2 s-2", "surface pressure / rho_0", None, 3, False, True),
    # tendencies kept for Adams-Bashforth
    "du": Var("U", "m s-2", "zonal momentum tendency", None, 3, False, True),
    "dv": Var("V", "m s-2", "meridional momentum tendency", None, 3, False, True),
    "dtemp": Var("T", "K s-1", "temperature advection tendency", None, 3, False, True),
    "dsalt": Var("T", "g kg-1 s-1", "salinity advection tendency", None, 3, False, True),
    # diagnostic
    "rho": Var("T", "kg m-3", "in-situ density anomaly (rho - rho_0)", None, 3, True, True),
    "Nsqr": Var("W", "s-2", "square of the buoyancy frequency", None, 3, False, True),
    "p_hydro": Var("T", "m2 s-2", "hydrostatic pressure / rho_0", None, 1, False, False),
    "du_mix": Var("U", "m s-2", "zonal friction tendency", None, 1, False, False),
    "dv_mix": Var("V", "m s-2", "meridional friction tendency", None, 1, False, False),
    "kappaM": Var("W", "m2 s-1", "vertical viscosity", None, 1, False, False),
    "kappaH": Var("W", "m2 s-1", "vertical diffusivity", None, 1, False, False),
    "lap_u": Var("U", "s-1 m-1", "scaled Laplacian of u (biharmonic friction)", None, 1),
    "lap_v": Var("V", "s-1 m-1", "scaled Laplacian of v (biharmonic friction)", None, 1),
    "column_work": Var("T", "1", "scratch for tridiagonal column solves", None, 1),
    # forcing
    "surface_taux": Var("U2", "N m-2", "zonal wind stress", "surface_downward_x_stress", 1),
    "surface_tauy": Var("V2", "N m-2", "meridional wind stress", "surface_downward_y_stress", 1),
}

#: per-tracer surface forcing fields; "{tracer}" is replaced by the tracer name
TRACER_FORCING: dict[str, Var] = {
    "{tracer}_surface_rate": Var("T2", "m s-1", "surface restoring piston velocity of {tracer}"),
    "{tracer}_surface_target": Var("T2", "{units}", "surface restoring target of {tracer}"),
    "{tracer}_surface_flux": Var("T2", "{units} m s-1", "downward surface flux of {tracer}"),
}

#: interior restoring (sponge), allocated when ``enable_sponge`` is set
SPONGE: dict[str, Var] = {
    "sponge_rate": Var("T", "s-1", "sponge restoring rate"),
    "{tracer}_sponge_target": Var("T", "{units}", "sponge target of {tracer}"),
}

#: the TKE closure's fields, allocated when ``enable_tke`` is set
TKE: dict[str, Var] = {
    "tke": Var("W", "m2 s-2", "turbulent kinetic energy", None, 3, True, True),
    "forc_tke_surface": Var("T2", "m3 s-3", "surface flux of turbulent kinetic energy"),
    "K_diss_v": Var("W", "m2 s-3", "dissipation by vertical friction", None, 1, False, True),
    "P_diss_v": Var("W", "m2 s-3", "buoyancy flux kappaH N^2 (surface flux at the top)"),
    "tke_forcing": Var("W", "m2 s-3", "energy transfers into TKE"),
    "sqrttke": Var("W", "m s-1", "square root of TKE"),
    "mxl": Var("W", "m", "TKE mixing length", None, 1, True),
    "Prandtlnumber": Var("W", "1", "Prandtl number kappaM / kappaH"),
    "tke_diss": Var("W", "m2 s-3", "dissipation of TKE"),
    "tke_surf_corr": Var("T2", "m3 s-3", "TKE added where the surface flux drained the top box"),
    "dtke": Var("W", "m2 s-3", "TKE advection tendency", None, 3, False, True),
}

#: IDEMIX's fields, allocated when ``enable_idemix`` is set
IDEMIX: dict[str, Var] = {
    "E_iw": Var("W", "m2 s-2", "internal gravity-wave energy", None, 3, True, True),
    "dE_iw": Var("W", "m2 s-3", "internal-wave energy advection tendency", None, 3, False, True),
    "c0": Var("W", "m s-1", "vertical group velocity of internal waves"),
    "v0": Var("W", "m s-1", "lateral group velocity of internal waves"),
    "alpha_c": Var("W", "m-2 s", "internal-wave dissipation coefficient"),
    "cstar": Var("T2", "m s-1", "first baroclinic mode speed of internal waves"),
    "iw_diss": Var("W", "m2 s-3", "dissipation of internal-wave energy (into TKE)"),
    "iw_forcing": Var("W", "m2 s-3", "energy transfers into internal waves"),
    "forc_iw_bottom": Var("T2", "m3 s-3", "internal-wave energy flux at the bottom"),
    "forc_iw_surface": Var("T2", "m3 s-3", "internal-wave energy flux at the surface"),
}

#: the energy-conserving path's fields (``enable_conserve_energy`` with TKE or EKE)
CONSERVE_ENERGY: dict[str, Var] = {
    # at every time level, in restarts: set at start-up from the initial state, so a run
    # read from a restart would otherwise use them with the restart's temp and salt
    "Hd": Var("T", "m2 s-2", "dynamic enthalpy", None, 3, False, True),
    "int_drhodT": Var("T", "kg m-2 K-1", "depth integral of d rho / d T", None, 3, False, True),
    "int_drhodS": Var(
        "T", "kg m-2 (g/kg)-1", "depth integral of d rho / d S", None, 3, False, True
    ),
    "K_diss_bot": Var("W", "m2 s-3", "kinetic energy dissipated by bottom friction"),
    "P_diss_adv": Var("W", "m2 s-3", "potential energy dissipated by tracer advection"),
    "P_diss_nonlin": Var("W", "m2 s-3", "vertical mixing's dissipation beyond kappaH N^2"),
}

#: isoneutral mixing's diffusivities, allocated when ``enable_neutral_diffusion`` is set
ISONEUTRAL: dict[str, Var] = {
    "K_iso": Var("T", "m2 s-1", "isoneutral diffusivity", None, 1, True),
    "K_gm": Var("T", "m2 s-1", "GM thickness diffusivity", None, 1, True),
}

#: the EKE closure's fields, allocated when ``enable_eke`` is set
EKE: dict[str, Var] = {
    "eke": Var("W", "m2 s-2", "mesoscale eddy kinetic energy", None, 3, True, True),
    "deke": Var("W", "m2 s-3", "EKE advection tendency", None, 3, False, True),
    "eke_forcing": Var("W", "m2 s-3", "energy transfers into EKE"),
    "K_diss_h": Var("W", "m2 s-3", "kinetic energy dissipated by harmonic lateral friction"),
    "P_diss_iso": Var("W", "m2 s-3", "potential energy lost to isoneutral diffusion"),
    "P_diss_skew": Var("W", "m2 s-3", "potential energy lost to the GM skew flux"),
    "eke_diss_iw": Var("W", "m2 s-3", "dissipation of EKE (into IDEMIX, or TKE without it)"),
    "sqrteke": Var("W", "m s-1", "square root of EKE"),
    "eke_len": Var("W", "m", "eddy length scale", None, 1, True),
    "L_rhines": Var("W", "m", "Rhines scale"),
    "L_rossby": Var("T2", "m", "Rossby radius"),
}

#: advection of W-point quantities, allocated with TKE advection
WGRID_ADVECTION: dict[str, Var] = {
    "u_wgrid": Var("W", "m s-1", "zonal velocity on the W grid"),
    "v_wgrid": Var("W", "m s-1", "meridional velocity on the W grid"),
    "w_wgrid": Var("W", "m s-1", "vertical velocity on the W grid"),
}

#: diagnostics written to output beside the table's fields
DIAGNOSTICS: dict[str, Var] = {
    "surface_pressure": Var("T2", "Pa", "surface pressure", "sea_surface_pressure"),
    "ssh": Var("T2", "m", "sea surface height", "sea_surface_height_above_geoid"),
    "kinetic_energy": Var("T", "m2 s-2", "kinetic energy per unit mass", None),
}


def passive_tracer_var(name: str) -> Var:
    return Var("T", "1", f"passive tracer {name}", None, 3, True, True)


#: the barotropic streamfunction at the north-east corners of T cells
#: (external_mode = "streamfunction"): written to output in place of ssh and
#: surface_pressure, as this rigid-lid method has no surface pressure
STREAMFUNCTION: dict[str, Var] = {
    "streamfunction": Var(
        "Z2",
        "m3 s-1",
        "barotropic streamfunction",
        "ocean_barotropic_streamfunction",
        levels=3,
        output=True,
        restart=True,
        comment=(
            "depth-integrated volume transport: U = -d(psi)/dy, V = d(psi)/dx (u = U/H, "
            "v = V/H), so psi increases to the right of the flow and psi(B) - psi(A) is "
            "the transport across a line from A to B, counted positive to the left "
            "looking from A to B; psi = 0 on the coast of the first land mass (numbered "
            "from the north-west), constant on each other coast"
        ),
    ),
    "dpsi": Var("Z2", "m3 s-2", "barotropic streamfunction tendency", None, 3, False, True),
}

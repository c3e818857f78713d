"""Energy transfers between the resolved flow and the closures, as pyOM2 and Veros
diagnose them on their energy-conserving path.

A tracer flux F [T m s-1] down the gradient of the dynamic enthalpy changes the potential
energy of the resolved flow at the rate -g/rho_0 F . grad(int_z^0 d rho/d T dz') per unit
mass [m2 s-3]; what isoneutral mixing and the GM skew flux release this way feeds the
eddy kinetic energy. The integrals int_drhodT, int_drhodS [kg m-2 K-1, kg m-2 (g/kg)-1]
of the density derivatives over depth come from each equation of state: in closed form
for the polynomial ones (exact in z), by Gauss-Legendre quadrature in pressure for
TEOS-10 (whose dynamic enthalpy is the pressure integral of the specific volume):
int_X = rho_0/g 1e4 int_0^p (d rho/d X) / rho^2 dp' [p in dbar, 1 dbar = 1e4 Pa].
"""

from .core import column_kernel, kernel, stencil
from .eos import (
    BETA_S,
    BETA_T,
    BETA_TS,
    GAMMA_S,
    GRAV,
    RHO0,
    THETA0,
    teos10_derivative_polynomials,
    teos10_pressure_polynomials,
    teos10_terms_at,
)
from .friction import bottom_drag, speed_at_u, speed_at_v
from .laplacian import friction_fluxes_u, friction_fluxes_v

#: Gauss-Legendre nodes and weights on [-1, 1] (8 points: exact for polynomials of degree
#: 15; TEOS-10's integrand, a ratio of low-degree polynomials in p, is resolved to round-off)
GAUSS_NODES = (
    -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
    0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363,
)  # fmt: skip
GAUSS_WEIGHTS = (
    0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
    0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
)  # fmt: skip
#: Pa per dbar
DBAR = 1e4


@stencil
def derivative_node(polynomials, derivatives, p, n):
    """Gauss node n's (T, S) terms of :func:`teos10_derivative_quadrature`."""
    q = 0.5 * p * (GAUSS_NODES[n] + 1.0)
    numerator, volume, dn_dsa, dn_dct, dv_dsa, dv_dct = teos10_terms_at(polynomials, derivatives, q)
    weight = GAUSS_WEIGHTS[n] / (numerator * numerator)
    return weight * (dn_dct * volume - numerator * dv_dct), weight * (
        dn_dsa * volume - numerator * dv_dsa
    )


@stencil
def teos10_derivative_quadrature(polynomials, derivatives, p):
    """(int_drhodT, int_drhodS) of TEOS-10 from its N, V polynomials in pressure and their
    derivatives (``eos.teos10_pressure_polynomials``, ``teos10_derivative_polynomials``):
    rho_0/g 1e4 int_0^p rho_X / rho^2 dp', with rho_X / rho^2 = (N_X V - N V_X) / N^2. The
    eight Gauss nodes are written out, summed in order, so that the cell loop around this
    vectorises (``enthalpy.teos10_enthalpy_quadrature`` says why)."""
    total_t = total_s = 0.0
    for node in (
        derivative_node(polynomials, derivatives, p, 0),
        derivative_node(polynomials, derivatives, p, 1),
        derivative_node(polynomials, derivatives, p, 2),
        derivative_node(polynomials, derivatives, p, 3),
        derivative_node(polynomials, derivatives, p, 4),
        derivative_node(polynomials, derivatives, p, 5),
        derivative_node(polynomials, derivatives, p, 6),
        derivative_node(polynomials, derivatives, p, 7),
    ):
        total_t += node[0]
        total_s += node[1]
    scale = RHO0 / GRAV * DBAR * 0.5 * p
    return scale * total_t, scale * total_s


@stencil
def teos10_integrated_derivatives(sa, ct, p):
    """(int_drhodT, int_drhodS) of TEOS-10: rho_0/g 1e4 int_0^p rho_X / rho^2 dp'."""
    return teos10_derivative_quadrature(
        teos10_pressure_polynomials(sa, ct), teos10_derivative_polynomials(sa, ct), p
    )


@stencil
def integrated_density_derivatives(eos, temp, salt, p):
    """(int_{-p}^0 d rho/d T dz', int_{-p}^0 d rho/d S dz') at fixed T, S (``eos`` as in
    ``kernels/eos.py``; p = |z| [dbar ~ m])."""
    if eos == 2:
        return teos10_integrated_derivatives(max(salt, 0.0), temp, p)
    thetas = temp - THETA0
    if eos == 0:
        return -RHO0 * BETA_T * p, RHO0 * BETA_S * p
    if eos == 3:
        return -RHO0 * (BETA_T + BETA_TS * thetas) * p, RHO0 * BETA_S * p
    if eos == 4:
        return -RHO0 * (BETA_T + BETA_TS * thetas) * p, 0.0
    z = -p
    with_pressure = RHO0 * z * (BETA_T + BETA_TS * thetas)
    with_pressure -= RHO0 * BETA_T * GAMMA_S * GRAV * RHO0 * z * z / 2.0
    return with_pressure, -BETA_S * RHO0 * z


@kernel(radius=0, static=("eos",))
def density_derivative_integrals(k, j, i, eos, temp, salt, zt, int_drhodT, int_drhodS):
    """int_drhodT, int_drhodS at T points from temp and salt (pressure -zt)."""
    t_part, s_part = integrated_density_derivatives(eos, temp[k, j, i], salt[k, j, i], -zt[k])
    int_drhodT[k, j, i] = t_part
    int_drhodS[k, j, i] = s_part


@kernel(radius=1)
def lateral_flux_dissipation(
    k, j, i, int_drho, flux_east, flux_north, dxt, dyt, cost, grav, rho_0, dissipation
):  # fmt: skip
    """g/rho_0 times the lateral flux (east, north with cosu) dotted with the gradient of
    int_drho, averaged from the four faces to the T point [m2 s-3]."""
    east = (int_drho[k, j, i + 1] - int_drho[k, j, i]) * flux_east[k, j, i]
    west = (int_drho[k, j, i] - int_drho[k, j, i - 1]) * flux_east[k, j, i - 1]
    north = (int_drho[k, j + 1, i] - int_drho[k, j, i]) * flux_north[k, j, i]
    south = (int_drho[k, j, i] - int_drho[k, j - 1, i]) * flux_north[k, j - 1, i]
    dissipation[k, j, i] = 0.5 * grav / rho_0 * (east + west) / (dxt[i] * cost[j]) + (
        0.5 * grav / rho_0 * (north + south) / (dyt[j] * cost[j])
    )


@stencil
def on_wgrid(values, k, j, i, k0, dzw):
    """A T-point quantity at W level k of a column whose deepest wet level is k0: the mean
    of the levels below and above; the bottom box also gets the part of the deepest level
    below its W face (dzw_{k-1}/dzw_k of half of it); the top level is the top cell's own.
    0 in land columns and below the bottom."""
    top = values.shape[0] - 1
    mean = 0.5 * (values[k, j, i] + values[min(k + 1, top), j, i])
    bottom = mean + 0.5 * values[k, j, i] * dzw[max(k - 1, 0)] / dzw[k]
    inside = bottom if k == k0 else mean
    value = values[k, j, i] if k == top else inside
    # every form evaluated and one selected (k0 <= top): no branches in a cell loop
    return value if (k0 >= 0) & (k >= k0) else 0.0


@stencil
def face_dissipation(vel_minus, vel, vel_plus, flux_minus, flux_plus):
    """Half the sum over the two faces of a velocity cell of (velocity difference) x
    (viscous flux across the face): the kinetic energy the friction dissipates there."""
    return 0.5 * ((vel_plus - vel) * flux_plus + (vel - vel_minus) * flux_minus)


@kernel(radius=1)
def harmonic_friction_dissipation(
    k, j, i, u, v, maskU, maskV, hu_x, hu_y, hv_x, hv_y, dxt, dxu, dyt, dyu, cost, cosu,
    diss_u, diss_v,
):  # fmt: skip
    """Dissipation of kinetic energy by harmonic lateral friction at U and V points
    [m2 s-3]: the viscous fluxes of ``laplacian.laplacian_u``/``laplacian_v`` (coefficients
    per row, free slip at walls) times the velocity differences across them."""
    fe, fw, fn, fs = friction_fluxes_u(k, j, i, u, maskU, hu_x, hu_y, dxt, dyu, cost, cosu)
    x_part = face_dissipation(u[k, j, i - 1], u[k, j, i], u[k, j, i + 1], fw, fe)
    y_part = face_dissipation(u[k, j - 1, i], u[k, j, i], u[k, j + 1, i], fs, fn)
    diss_u[k, j, i] = x_part / (cost[j] * dxu[i]) + y_part / (cost[j] * dyt[j])
    fe, fw, fn, fs = friction_fluxes_v(k, j, i, v, maskV, hv_x, hv_y, dxu, dyt, cost, cosu)
    x_part = face_dissipation(v[k, j, i - 1], v[k, j, i], v[k, j, i + 1], fw, fe)
    y_part = face_dissipation(v[k, j - 1, i], v[k, j, i], v[k, j + 1, i], fs, fn)
    diss_v[k, j, i] = x_part / (cosu[j] * dxt[i]) + y_part / (cosu[j] * dyu[j])


@stencil
def friction_dissipation_at(k, j, i, diss_u, diss_v, kbot, dzw, dxt, dxu, area_t, area_v):
    """:func:`friction_dissipation_on_tgrid` at W point (k, j, i) [m2 s-3]."""
    east = max(kbot[j, i], kbot[j, i + 1]) - 1
    west = max(kbot[j, i - 1], kbot[j, i]) - 1
    north = max(kbot[j, i], kbot[j + 1, i]) - 1
    south = max(kbot[j - 1, i], kbot[j, i]) - 1
    x_part = dxu[i] * on_wgrid(diss_u, k, j, i, east, dzw)
    x_part += dxu[i - 1] * on_wgrid(diss_u, k, j, i - 1, west, dzw)
    y_part = area_v[j, i] * on_wgrid(diss_v, k, j, i, north, dzw)
    y_part += area_v[j - 1, i] * on_wgrid(diss_v, k, j - 1, i, south, dzw)
    return x_part / (2.0 * dxt[i]) + y_part / (2.0 * area_t[j, i])


@kernel(radius=1)
def friction_dissipation_on_tgrid_cells(
    k, j, i, diss_u, diss_v, kbot, dzw, dxt, dxu, area_t, area_v, K_diss_h
):  # fmt: skip
    """:func:`friction_dissipation_on_tgrid` at W point (k, j, i): its levels are
    independent, a cell kernel."""
    K_diss_h[k, j, i] = friction_dissipation_at(
        k, j, i, diss_u, diss_v, kbot, dzw, dxt, dxu, area_t, area_v
    )


@column_kernel(radius=1, sweeps=(friction_dissipation_on_tgrid_cells,))
def friction_dissipation_on_tgrid(
    j, i, diss_u, diss_v, kbot, dzw, dxt, dxu, area_t, area_v, K_diss_h
):  # fmt: skip
    """K_diss_h [m2 s-3] at W points of T column (j, i): the U-point dissipation on the W
    grid of each U column (bottom at the deeper of its two T columns), averaged from the
    east and west faces with weights dxu/(2 dxt), plus the V-point one averaged from north
    and south with weights area_v/(2 area_t)."""
    for k in range(diss_u.shape[0]):
        K_diss_h[k, j, i] = friction_dissipation_at(
            k, j, i, diss_u, diss_v, kbot, dzw, dxt, dxu, area_t, area_v
        )


@kernel(radius=1)
def bottom_friction_dissipation(
    k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, diss_u, diss_v
):  # fmt: skip
    """Kinetic energy removed by the linear and quadratic bottom drag of
    ``friction.explicit_friction`` at U and V points [m2 s-3]: -vel drag(vel) masked, in the
    deepest wet cell of each velocity column (r_bot vel^2 + r_quad_bot vel^2 |u| / dzt)."""
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    drag_u = bottom_drag(
        k, ku, u[k, j, i], speed_at_u(k, j, i, u, v, maskV), r_bot, r_quad_bot, dzt
    )
    drag_v = bottom_drag(
        k, kv, v[k, j, i], speed_at_v(k, j, i, u, v, maskU), r_bot, r_quad_bot, dzt
    )
    diss_u[k, j, i] = -maskU[k, j, i] * u[k, j, i] * drag_u
    diss_v[k, j, i] = -maskV[k, j, i] * v[k, j, i] * drag_v


@kernel(radius=0)
def tke_energy_input(
    k, j, i, K_diss_v, P_diss_v, P_diss_adv, P_diss_nonlin, transfer, K_diss_bot, bottom,
    forcing,
):  # fmt: skip
    """The forcing of TKE [m2 s-3] (Veros's integrate_tke without cabbeling heat):
    K_diss_v - P_diss_v - P_diss_adv - P_diss_nonlin + transfer (IDEMIX's or EKE's
    dissipation) + K_diss_bot if ``bottom`` (the bottom friction's energy goes to TKE: always
    without IDEMIX, with it if enable_store_bottom_friction_tke)."""
    value = K_diss_v[k, j, i] - P_diss_v[k, j, i] - P_diss_adv[k, j, i] - P_diss_nonlin[k, j, i]
    value += transfer[k, j, i]
    if bottom:
        value += K_diss_bot[k, j, i]
    forcing[k, j, i] = value


#: how internal_wave_energy_input places EKE's dissipation: where it is, or re-injected
#: (vertically integrated) at the bottom, or split between the bottom and the surface
EKE_DISS_LOCAL, EKE_DISS_BOTTOM, EKE_DISS_SURFBOT = 0, 1, 2


@kernel(radius=0, sweep=1, static=("placement",))
def wave_input_column_sum(
    k, j, i, eke_diss, placement, bottom_fraction, K_diss_bot, bottom, maskW, kbot, dzw,
    column_total, forcing,
):  # fmt: skip
    """The column integral A of :func:`internal_wave_energy_input`, at level k of a sweep
    up the columns: the top half box first, then the levels from the bottom up, as the
    column form adds them."""
    top = eke_diss.shape[0] - 1
    previous = column_total[j, i]  # loaded unconditionally: see tridiagonal.eliminate_row
    surface = 0.5 * eke_diss[top, j, i] * maskW[top, j, i] * dzw[top]
    start = surface if k == 0 else previous
    level = dzw[k] * eke_diss[k, j, i] * maskW[k, j, i]
    column_total[j, i] = start + level if k < top else start


@stencil
def wave_input_at(
    k, j, i, eke_diss, placement, bottom_fraction, K_diss_bot, bottom, kbot, dzw, column
):  # fmt: skip
    """:func:`internal_wave_energy_input` at W point (k, j, i) given the column integral."""
    top = eke_diss.shape[0] - 1
    deepest = max(0, kbot[j, i] - 1)
    fraction = 1.0 if placement == EKE_DISS_BOTTOM else bottom_fraction
    placed = fraction * column / dzw[k] if k == deepest else 0.0
    surface = (1.0 - bottom_fraction) * column / (0.5 * dzw[top])
    placed = surface if (placement == EKE_DISS_SURFBOT) & (k == top) else placed
    value = eke_diss[k, j, i] if placement == EKE_DISS_LOCAL else placed
    extra = K_diss_bot[k, j, i]
    return value + extra if bottom else value


@kernel(radius=0, static=("placement",))
def wave_input_cells(
    k, j, i, eke_diss, placement, bottom_fraction, K_diss_bot, bottom, maskW, kbot, dzw,
    column_total, forcing,
):  # fmt: skip
    """The cells of :func:`internal_wave_energy_input` after :func:`wave_input_column_sum`."""
    forcing[k, j, i] = wave_input_at(
        k, j, i, eke_diss, placement, bottom_fraction, K_diss_bot, bottom, kbot, dzw,
        column_total[j, i],
    )  # fmt: skip


@column_kernel(radius=0, static=("placement",), sweeps=(wave_input_column_sum, wave_input_cells))
def internal_wave_energy_input(
    j, i, eke_diss, placement, bottom_fraction, K_diss_bot, bottom, maskW, kbot, dzw,
    column_total, forcing,
):  # fmt: skip
    """The forcing of IDEMIX [m2 s-3] (Veros's integrate_idemix): EKE's dissipation
    ``eke_diss`` where it occurs (``placement`` EKE_DISS_LOCAL), or its column integral
    A = sum dzw eke_diss maskW (half box at the top) [m3 s-3] put into the deepest wet W box
    as A/dzw (EKE_DISS_BOTTOM), or a ``bottom_fraction`` of it there and the rest into the
    top half box as (1 - fraction) A/(dzw/2) (EKE_DISS_SURFBOT; enable_eke_diss_surfbot);
    plus K_diss_bot if ``bottom`` (not enable_store_bottom_friction_tke). A is left in
    ``column_total``; launched as its sweep and cell forms."""
    nz = eke_diss.shape[0]
    top = nz - 1
    column = 0.5 * eke_diss[top, j, i] * maskW[top, j, i] * dzw[top]
    for k in range(nz - 1):
        column += dzw[k] * eke_diss[k, j, i] * maskW[k, j, i]
    column_total[j, i] = column
    for k in range(nz):
        forcing[k, j, i] = wave_input_at(
            k, j, i, eke_diss, placement, bottom_fraction, K_diss_bot, bottom, kbot, dzw,
            column,
        )  # fmt: skip

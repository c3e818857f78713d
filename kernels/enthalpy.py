"""Dynamic enthalpy and the potential-energy transfers of Veros's energy-conserving path
(``enable_conserve_energy``) that the tracer step diagnoses for the TKE closure.

The dynamic enthalpy Hd [m2 s-2] is the pressure integral of the Boussinesq specific-volume
anomaly, Hd = -g/rho_0 int_z^0 (rho - rho_0) dz' at fixed T, S (each equation of state as
Veros writes it); the integrals int_drhodT/S of ``energy.py`` are its T and S derivatives
times -rho_0/g. What the resolved flow gains or loses in Hd through a tracer process and
what that process does to its potential energy differ by the dissipations below, which
pyOM2 and Veros hand to the closures [m2 s-3]:

- P_diss_adv: advection (the change of Hd by the T, S tendencies minus the advection of Hd
  itself, and the work -g rho w / rho_0 of vertical advection), spread evenly over the
  domain's turbulent W boxes so that it cannot drain TKE locally;
- P_diss_v, P_diss_nonlin: vertical mixing, split into kappaH N^2 and the rest, which a
  nonlinear equation of state leaves (cabbeling, thermobaricity);
- P_diss_hmix: lateral diffusion with K_h.

Arrays are [k, j, i], k = 0 the deepest level; ``kbot`` is 1-based (0: land).
"""

from .core import column_kernel, kernel, stencil
from .energy import (
    DBAR,
    GAUSS_NODES,
    GAUSS_WEIGHTS,
    integrated_density_derivatives,
    on_wgrid,
    teos10_derivative_quadrature,
)
from .eos import (
    BETA_S,
    BETA_T,
    BETA_TS,
    CS0,
    GAMMA_S,
    GRAV,
    RHO0,
    S0,
    THETA0,
    state_at,
    teos10_derivative_polynomials,
    teos10_pressure_polynomials,
)
from .tke import surface_flux_of

#: Veros's clamps of S_A [g/kg] and Theta [degC] in its TEOS-10 dynamic enthalpy
TEOS10_MIN_SALT = 1e-1
TEOS10_MIN_TEMP = -12.0


@stencil
def enthalpy_node(polynomials, p, n):
    """Gauss node n's term of :func:`teos10_enthalpy_quadrature` (before the factor p/2)."""
    n0, n1, n2, v0, v1, v2, v3 = polynomials
    q = 0.5 * p * (GAUSS_NODES[n] + 1.0)
    numerator = n0 + q * (n1 + q * n2)
    volume = v0 + q * (v1 + q * (v2 + q * v3))
    return GAUSS_WEIGHTS[n] * (volume / numerator - 1.0 / RHO0)


@stencil
def teos10_enthalpy_quadrature(polynomials, p):
    """1e4 int_0^p (V/N - 1/rho_0) dp' [m2 s-2] (p in dbar) by 8-point Gauss-Legendre
    quadrature, from TEOS-10's N, V polynomials in pressure. The eight nodes are written
    out, summed in order: LLVM leaves a loop of this size rolled, and a rolled loop inside
    the cell loop keeps the cell loop scalar (unrolled, it vectorises: 4-5x faster)."""
    total = 0.0
    for term in (
        enthalpy_node(polynomials, p, 0),
        enthalpy_node(polynomials, p, 1),
        enthalpy_node(polynomials, p, 2),
        enthalpy_node(polynomials, p, 3),
        enthalpy_node(polynomials, p, 4),
        enthalpy_node(polynomials, p, 5),
        enthalpy_node(polynomials, p, 6),
        enthalpy_node(polynomials, p, 7),
    ):
        total += term
    return DBAR * 0.5 * p * total


@stencil
def teos10_enthalpy_arguments(sa, ct):
    """Veros's clamps of S_A and Theta in its TEOS-10 dynamic enthalpy."""
    return max(TEOS10_MIN_SALT, sa), max(TEOS10_MIN_TEMP, ct)


@stencil
def teos10_dynamic_enthalpy(sa, ct, p):
    """1e4 int_0^p (1/rho(S_A, Theta, p') - 1/rho_0) dp' [m2 s-2] (p in dbar), by 8-point
    Gauss-Legendre quadrature, with Veros's clamps of S_A and Theta."""
    sa, ct = teos10_enthalpy_arguments(sa, ct)
    return teos10_enthalpy_quadrature(teos10_pressure_polynomials(sa, ct), p)


@stencil
def teos10_enthalpy_and_integrals(salt, temp, p):
    """(Hd, int_drhodT, int_drhodS) of TEOS-10 at one point: the N, V polynomials in
    pressure are formed once and serve both, unless Veros's clamps of the enthalpy change
    its arguments (S_A < 0.1 g/kg or Theta < -12 degC)."""
    sa = max(salt, 0.0)
    polynomials = teos10_pressure_polynomials(sa, temp)
    t_part, s_part = teos10_derivative_quadrature(
        polynomials, teos10_derivative_polynomials(sa, temp), p
    )
    sa_h, ct_h = teos10_enthalpy_arguments(salt, temp)
    if sa_h != sa or ct_h != temp:
        polynomials = teos10_pressure_polynomials(sa_h, ct_h)
    return teos10_enthalpy_quadrature(polynomials, p), t_part, s_part


@stencil
def dynamic_enthalpy(eos, temp, salt, p):
    """Hd [m2 s-2] at depth p [m] of equation of state ``eos`` (``kernels/eos.py``'s numbers),
    as Veros's get_dyn_enthalpy: g z (-beta_T theta - beta_TS' theta^2 + beta_S (S - S0)),
    z = -p, theta = T - theta0, with beta_TS' = beta_TS/2 for the quadratic forms and
    beta_TS for nonlinear_vallis (which also has the pressure terms
    g z^2/2 (-g/c_s0^2 + beta_T g rho_0 gamma_s theta); Veros's factor, not half of it)."""
    if eos == 2:
        return teos10_dynamic_enthalpy(salt, temp, p)
    z = -p
    thetas = temp - THETA0
    if eos == 0:
        return GRAV * z * (-BETA_T * thetas + BETA_S * (salt - S0))
    if eos == 3:
        return GRAV * z * (-BETA_T * thetas - 0.5 * BETA_TS * thetas**2 + BETA_S * (salt - S0))
    if eos == 4:
        return GRAV * z * (-BETA_T * thetas - 0.5 * BETA_TS * thetas**2)
    pressure_part = GRAV * 0.5 * z * z * (-GRAV / CS0**2 + BETA_T * GRAV * RHO0 * GAMMA_S * thetas)
    return pressure_part + GRAV * z * (
        -BETA_T * thetas - BETA_TS * thetas**2 + BETA_S * (salt - S0)
    )


@stencil
def enthalpy_at(k, j, i, eos, temp, salt, maskT, zt):
    """(Hd (masked) [m2 s-2], int_drhodT, int_drhodS [kg m-2 K-1, kg m-2 (g/kg)-1]) at T
    point (k, j, i) from temp and salt at pressure -zt (Veros's calc_eq_of_state)."""
    p = -zt[k]
    if eos == 2:
        enthalpy, t_part, s_part = teos10_enthalpy_and_integrals(salt[k, j, i], temp[k, j, i], p)
    else:
        enthalpy = dynamic_enthalpy(eos, temp[k, j, i], salt[k, j, i], p)
        t_part, s_part = integrated_density_derivatives(eos, temp[k, j, i], salt[k, j, i], p)
    return enthalpy * maskT[k, j, i], t_part, s_part


@kernel(radius=0, static=("eos",))
def state_and_enthalpy(
    k, j, i, eos, temp, salt, maskT, maskW, zt, dzw, grav, rho_0, rho, nsqr, Hd, int_drhodT,
    int_drhodS,
):  # fmt: skip
    """rho and N^2 of ``eos.equation_of_state`` (``eos.state_at``), and Hd, int_drhodT and
    int_drhodS of :func:`enthalpy_at`, in one pass: both read the same temp and salt and
    evaluate density polynomials of the same cell (TEOS-10's N and V in pressure). Every
    value is formed before any is stored, so that nothing stands between the two."""
    rho_here, nsqr_here = state_at(k, j, i, eos, temp, salt, maskT, maskW, zt, dzw, grav, rho_0)
    enthalpy, t_part, s_part = enthalpy_at(k, j, i, eos, temp, salt, maskT, zt)
    rho[k, j, i] = rho_here
    nsqr[k, j, i] = nsqr_here
    Hd[k, j, i] = enthalpy
    int_drhodT[k, j, i] = t_part
    int_drhodS[k, j, i] = s_part


@kernel(radius=0)
def advection_dissipation(
    k, j, i, int_drhodT, int_drhodS, dtemp, dsalt, dHd, w, rho, dzt, dzw, grav, rho_0, diss
):  # fmt: skip
    """The dissipation of tracer advection at T points [m2 s-3]:
    g/rho_0 (-int_drhodT dT/dt - int_drhodS dS/dt) - dHd/dt (advective tendencies of T, S
    and of Hd itself), minus the work of vertical advection g/rho_0 w rho on the faces above
    and below, each (w_face (rho_k + rho_neighbour)/4) dzw_face/dzt_k."""
    nz = rho.shape[0]
    scale = grav / rho_0
    value = (
        scale * (-int_drhodT[k, j, i] * dtemp[k, j, i] - int_drhodS[k, j, i] * dsalt[k, j, i])
        - dHd[k, j, i]
    )
    if k < nz - 1:
        face = w[k, j, i] * (rho[k, j, i] + rho[k + 1, j, i])
        value -= 0.25 * scale * face * dzw[k] / dzt[k]
    if k >= 1:
        face = w[k - 1, j, i] * (rho[k, j, i] + rho[k - 1, j, i])
        value -= 0.25 * scale * face * dzw[k - 1] / dzt[k]
    diss[k, j, i] = value


@kernel(radius=0)
def dissipation_on_wgrid_cells(k, j, i, diss, kbot, dzw, diss_w):
    """:func:`dissipation_on_wgrid` at W point (k, j, i), a cell kernel."""
    diss_w[k, j, i] = on_wgrid(diss, k, j, i, kbot[j, i] - 1, dzw)


@column_kernel(radius=0, sweeps=(dissipation_on_wgrid_cells,))
def dissipation_on_wgrid(j, i, diss, kbot, dzw, diss_w):
    """A T-point dissipation on the W grid of column (j, i) (``energy.on_wgrid``: Veros's
    dissipation_on_wgrid with the column's own bottom)."""
    k0 = kbot[j, i] - 1
    for k in range(diss.shape[0]):
        diss_w[k, j, i] = on_wgrid(diss, k, j, i, k0, dzw)


@kernel(radius=0)
def turbulent_boxes(k, j, i, tke, active):
    """1 where P_diss_adv is spread (E > 0 below the top; every top box), else 0."""
    top = tke.shape[0] - 1
    active[k, j, i] = 1.0 if (k == top or tke[k, j, i] > 0.0) else 0.0


@kernel(radius=0)
def spread_dissipation(k, j, i, active, mean, P_diss_adv):
    """P_diss_adv = mean (its domain integral over the turbulent W volume) where active."""
    P_diss_adv[k, j, i] = mean * active[k, j, i]


@kernel(radius=0)
def vertical_mixing_dissipation(
    k, j, i, kappaH, nsqr, temp, salt, int_drhodT, int_drhodS, maskW, dzw, temp_now,
    temp_rate, temp_target, temp_flux, salt_now, salt_rate, salt_target, salt_flux, grav,
    rho_0, P_diss_v, P_diss_nonlin,
):  # fmt: skip
    """Veros's diag_P_diss_v on the energy-conserving path [m2 s-3] at W point (k, j, i),
    from the new T, S and their integrals: below the top, the dissipation of vertical
    mixing D = -g/rho_0 sum_X (int_X,k - int_X,k+1)/dzw kappaH (X_k+1 - X_k)/dzw maskW
    is split into P_diss_v = kappaH N^2 and P_diss_nonlin = D - kappaH N^2; at the top,
    P_diss_v = -g/rho_0 sum_X 2 int_X/dzw Q_X maskW with the surface fluxes Q_X (as
    ``tke.buoyancy_flux``) and P_diss_nonlin = 0. Both forms are evaluated and one
    selected, so that the cell loop has no branch."""
    top = kappaH.shape[0] - 1
    above = min(k + 1, top)
    scale = grav / rho_0
    mixing = kappaH[k, j, i] / dzw[k] * maskW[k, j, i] / dzw[k]
    full = (
        -scale
        * (int_drhodT[k, j, i] - int_drhodT[above, j, i])
        * mixing
        * (temp[above, j, i] - temp[k, j, i])
    )
    full -= (
        scale
        * (int_drhodS[k, j, i] - int_drhodS[above, j, i])
        * mixing
        * (salt[above, j, i] - salt[k, j, i])
    )
    buoyancy = kappaH[k, j, i] * nsqr[k, j, i]
    heat = surface_flux_of(temp_rate[j, i], temp_target[j, i], temp_flux[j, i], temp_now[top, j, i])
    fresh = surface_flux_of(
        salt_rate[j, i], salt_target[j, i], salt_flux[j, i], salt_now[top, j, i]
    )
    weight = 2.0 / dzw[top] * maskW[top, j, i]
    surface = -scale * weight * (int_drhodT[top, j, i] * heat + int_drhodS[top, j, i] * fresh)
    P_diss_nonlin[k, j, i] = full - buoyancy if k < top else 0.0
    P_diss_v[k, j, i] = buoyancy if k < top else surface

"""Equations of state: density anomaly rho - rho_0 [kg m-3] of conservative (potential)
temperature T [degC], salinity S [g kg-1] and pressure p [dbar] (p = |z| in metres).

0 = linear:          rho' = -rho_0 (beta_T (T - T0) - beta_S (S - S0))
1 = nonlinear_vallis: rho' = -rho_0 (g z/c_s^2 + beta_T (1 - gamma z g rho_0)(T - T0)
                                     + beta_Ts/2 (T - T0)^2 - beta_S (S - S0)),  z = -p
(Vallis 2006; constants as in pyOM2/Veros: rho_0 = 1024, T0 = 9.85, S0 = 35,
beta_T = 1.67e-4 K-1, beta_S = 0.78e-3, c_s = 1490 m s-1, beta_Ts = 1e-5 K-2,
gamma = 1.1e-8 m s2 kg-1.)
2 = teos10:          rho' = N(S_A, Theta, p) / V(S_A, Theta, p) - rho_0, the TEOS-10
                     48-term rational function for in-situ density of Absolute Salinity
                     S_A [g kg-1], Conservative Temperature Theta [degC] and sea pressure p
                     [dbar] (IOC, SCOR and IAPSO 2010; the expression Veros's eq. of state
                     type 5 evaluates). N uses c01..c20, V c21..c48 (``TEOS10``).
3 = quadratic:       rho' = -rho_0 (beta_T (T - T0) + beta_Ts/2 (T - T0)^2 - beta_S (S - S0))
                     (no pressure; Veros's type 2, nonlinear_eq1)
4 = quadratic_temperature_only: as 3 with beta_S = 0 (Veros's type 4, nonlinear_eq3)

Veros numbers its types 1 linear, 2 quadratic, 3 nonlinear_vallis, 4
quadratic_temperature_only, 5 teos10 (``VEROS_TYPES`` in ocean/dynamics/tracers.py).
"""

from math import sqrt

from .core import adjoint_of, column_kernel, in_columns, kernel, stencil

RHO0 = 1024.0
THETA0 = 283.0 - 273.15
S0 = 35.0
BETA_T = 1.67e-4
BETA_S = 0.78e-3
CS0 = 1490.0
BETA_TS = 1e-5
GAMMA_S = 1.1e-8
GRAV = 9.81


#: the 48 coefficients of the TEOS-10 48-term density (IOC et al. 2010), in order v01..v48
TEOS10 = (
    9.998420897506056e2, 2.839940833161907e0, -3.147759265588511e-2, 1.181805545074306e-3,
    -6.698001071123802e0, -2.986498947203215e-2, 2.327859407479162e-4, -3.988822378968490e-2,
    5.095422573880500e-4, -1.426984671633621e-5, 1.645039373682922e-7, -2.233269627352527e-2,
    -3.436090079851880e-4, 3.726050720345733e-6, -1.806789763745328e-4, 6.876837219536232e-7,
    -3.087032500374211e-7, -1.988366587925593e-8, -1.061519070296458e-11, 1.550932729220080e-10,
    1.0e0, 2.775927747785646e-3, -2.349607444135925e-5, 1.119513357486743e-6,
    6.743689325042773e-10, -7.521448093615448e-3, -2.764306979894411e-5, 1.262937315098546e-7,
    9.527875081696435e-10, -1.811147201949891e-11, -3.303308871386421e-5, 3.801564588876298e-7,
    -7.672876869259043e-9, -4.634182341116144e-11, 2.681097235569143e-12, 5.419326551148740e-6,
    -2.742185394906099e-5, -3.212746477974189e-7, 3.191413910561627e-9, -1.931012931541776e-12,
    -1.105097577149576e-7, 6.211426728363857e-10, -1.119011592875110e-10, -1.941660213148725e-11,
    -1.864826425365600e-14, 1.119522344879478e-14, -1.200507748551599e-15, 6.057902487546866e-17,
)  # fmt: skip
(C01, C02, C03, C04, C05, C06, C07, C08, C09, C10, C11, C12, C13, C14, C15, C16, C17, C18,
 C19, C20, C21, C22, C23, C24, C25, C26, C27, C28, C29, C30, C31, C32, C33, C34, C35, C36,
 C37, C38, C39, C40, C41, C42, C43, C44, C45, C46, C47, C48) = TEOS10  # fmt: skip


@stencil
def teos10_density(sa, ct, p):
    """In-situ density [kg m-3] of the TEOS-10 48-term expression: N / V, each a polynomial
    in Theta, S_A, sqrt(S_A) and p (Horner form, ``teos10_pressure_polynomials``)."""
    n0, n1, n2, v0, v1, v2, v3 = teos10_pressure_polynomials(sa, ct)
    return (n0 + p * (n1 + p * n2)) / (v0 + p * (v1 + p * (v2 + p * v3)))


@stencil
def teos10_pressure_polynomials(sa, ct):
    """The TEOS-10 density N / V of ``teos10_density`` as polynomials in p at fixed S_A,
    Theta: N = n0 + p (n1 + p n2), V = v0 + p (v1 + p (v2 + p v3)). Returns
    (n0, n1, n2, v0, v1, v2, v3); for integrals over p, where each extra pressure costs
    a few multiplications instead of the whole expression."""
    root_sa = sqrt(sa)
    n0 = (
        C01
        + ct * (C02 + ct * (C03 + C04 * ct))
        + sa * (C05 + ct * (C06 + C07 * ct) + root_sa * (C08 + ct * (C09 + ct * (C10 + C11 * ct))))
    )  # fmt: skip
    n1 = C12 + ct * (C13 + C14 * ct) + sa * (C15 + C16 * ct)
    n2 = C17 + ct * (C18 + C19 * ct) + C20 * sa
    v0 = (
        C21
        + ct * (C22 + ct * (C23 + ct * (C24 + C25 * ct)))
        + sa * (C26 + ct * (C27 + ct * (C28 + ct * (C29 + C30 * ct))) + C36 * sa
                + root_sa * (C31 + ct * (C32 + ct * (C33 + ct * (C34 + C35 * ct)))))
    )  # fmt: skip
    v1 = C37 + ct * (C38 + ct * (C39 + C40 * ct)) + sa * (C41 + C42 * ct)
    v2 = C43 + ct * (C44 + C45 * ct + C46 * sa)
    v3 = C47 + C48 * ct
    return n0, n1, n2, v0, v1, v2, v3


@stencil
def teos10_derivative_polynomials(sa, ct):
    """The S_A and Theta derivatives of ``teos10_pressure_polynomials``' N and V, as
    polynomials in p of the same degrees: (dN/dS_A, dN/dTheta) coefficients p^0..p^2, then
    (dV/dS_A, dV/dTheta) coefficients p^0..p^3, 14 numbers (d/d S_A of S_A^(3/2) B is
    3/2 sqrt(S_A) B: finite at S_A = 0)."""
    root_sa = sqrt(sa)
    ns0 = (
        C05
        + ct * (C06 + C07 * ct)
        + 1.5 * root_sa * (C08 + ct * (C09 + ct * (C10 + C11 * ct)))
    )  # fmt: skip
    nt0 = (
        C02
        + ct * (2.0 * C03 + 3.0 * C04 * ct)
        + sa * (C06 + 2.0 * C07 * ct + root_sa * (C09 + ct * (2.0 * C10 + 3.0 * C11 * ct)))
    )  # fmt: skip
    vs0 = (
        C26
        + ct * (C27 + ct * (C28 + ct * (C29 + C30 * ct)))
        + 2.0 * C36 * sa
        + 1.5 * root_sa * (C31 + ct * (C32 + ct * (C33 + ct * (C34 + C35 * ct))))
    )  # fmt: skip
    vt0 = (
        C22
        + ct * (2.0 * C23 + ct * (3.0 * C24 + 4.0 * C25 * ct))
        + sa * (C27 + ct * (2.0 * C28 + ct * (3.0 * C29 + 4.0 * C30 * ct))
                + root_sa * (C32 + ct * (2.0 * C33 + ct * (3.0 * C34 + 4.0 * C35 * ct))))
    )  # fmt: skip
    return (
        ns0, C15 + C16 * ct, C20,
        nt0, C13 + 2.0 * C14 * ct + C16 * sa, C18 + 2.0 * C19 * ct,
        vs0, C41 + C42 * ct, C46 * ct, 0.0,
        vt0, C38 + ct * (2.0 * C39 + 3.0 * C40 * ct) + C42 * sa, C44 + 2.0 * C45 * ct + C46 * sa,
        C48,
    )  # fmt: skip


@stencil
def teos10_terms_at(polynomials, derivatives, p):
    """(N, V, dN/dS_A, dN/dTheta, dV/dS_A, dV/dTheta) at pressure p from their polynomials
    in p (``teos10_pressure_polynomials``, ``teos10_derivative_polynomials``)."""
    n0, n1, n2, v0, v1, v2, v3 = polynomials
    ns0, ns1, ns2, nt0, nt1, nt2, vs0, vs1, vs2, vs3, vt0, vt1, vt2, vt3 = derivatives
    return (
        n0 + p * (n1 + p * n2),
        v0 + p * (v1 + p * (v2 + p * v3)),
        ns0 + p * (ns1 + p * ns2),
        nt0 + p * (nt1 + p * nt2),
        vs0 + p * (vs1 + p * (vs2 + p * vs3)),
        vt0 + p * (vt1 + p * (vt2 + p * vt3)),
    )


@stencil
def density(eos, temp, salt, p):
    """Density anomaly rho - rho_0 [kg m-3] of equation of state ``eos`` (module docstring)."""
    thetas = temp - THETA0
    if eos == 2:
        return teos10_density(max(salt, 0.0), temp, p) - RHO0
    if eos == 0:
        return -RHO0 * (BETA_T * thetas - BETA_S * (salt - S0))
    if eos == 3:
        return -RHO0 * (BETA_T * thetas + 0.5 * BETA_TS * thetas * thetas - BETA_S * (salt - S0))
    if eos == 4:
        return -RHO0 * (BETA_T * thetas + 0.5 * BETA_TS * thetas * thetas)
    z = -p
    return -RHO0 * (
        GRAV * z / (CS0 * CS0)
        + BETA_T * (1.0 - GAMMA_S * GRAV * z * RHO0) * thetas
        + 0.5 * BETA_TS * thetas * thetas
        - BETA_S * (salt - S0)
    )


@kernel(radius=0, static=("eos",))
def equation_of_state(k, j, i, eos, temp, salt, maskT, maskW, zt, dzw, grav, rho_0, rho, nsqr):
    """rho and N^2 of :func:`state_at` at cell (k, j, i) (a cell kernel: its levels are
    independent, so that the cell loop vectorises)."""
    rho[k, j, i], nsqr[k, j, i] = state_at(
        k, j, i, eos, temp, salt, maskT, maskW, zt, dzw, grav, rho_0
    )  # fmt: skip


@stencil
def state_at(k, j, i, eos, temp, salt, maskT, maskW, zt, dzw, grav, rho_0):
    """(rho at T point (k, j, i) [kg m-3], N^2 = -g/rho_0 (rho(S,T at k+1; p_k) -
    rho_k)/dzw_k at the W point above it [s-2]): the upper cell brought to the lower
    cell's pressure; N^2 at the top copies the level below, which the top cell evaluates
    again."""
    top = temp.shape[0] - 1
    level = min(k, max(top - 1, 0))  # the level whose N^2 this cell's W point holds
    above = min(level + 1, top)
    p = -zt[level]
    own = density(eos, temp[level, j, i], salt[level, j, i], p)
    upper = density(eos, temp[above, j, i], salt[above, j, i], p)
    own_masked = maskT[level, j, i] * own
    rho_here = maskT[k, j, i] * own if k == level else maskT[k, j, i] * density(
        eos, temp[k, j, i], salt[k, j, i], -zt[k])  # fmt: skip
    gradient = -grav / rho_0 * (upper - own_masked) / dzw[level] * maskW[level, j, i]
    return rho_here, gradient if top > 0 else 0.0


# -- adjoint ------------------------------------------------------------------------------
@stencil
def teos10_density_derivatives(sa, ct, p):
    """(d rho/d S_A, d rho/d Theta) of ``teos10_density`` [kg m-3 per g kg-1, per K] at
    fixed p: rho = N/V, d rho = (dN - rho dV)/V, with N, V and their derivatives as
    polynomials in p (``teos10_pressure_polynomials``, ``teos10_derivative_polynomials``)."""
    numerator, volume, dn_dsa, dn_dct, dv_dsa, dv_dct = teos10_terms_at(
        teos10_pressure_polynomials(sa, ct), teos10_derivative_polynomials(sa, ct), p
    )
    rho = numerator / volume
    return (dn_dsa - rho * dv_dsa) / volume, (dn_dct - rho * dv_dct) / volume


@stencil
def density_derivatives(eos, temp, salt, p):
    """(d density/d temp, d density/d salt) at fixed pressure p, for every ``eos`` type.
    TEOS-10 takes max(S, 0): its S derivative is 0 where S <= 0 (the subgradient 0 at S = 0)."""
    if eos == 2:
        d_sa, d_ct = teos10_density_derivatives(max(salt, 0.0), temp, p)
        if salt > 0.0:
            return d_ct, d_sa
        return d_ct, 0.0
    if eos == 0:
        return -RHO0 * BETA_T, RHO0 * BETA_S
    thetas = temp - THETA0
    if eos == 3:
        return -RHO0 * (BETA_T + BETA_TS * thetas), RHO0 * BETA_S
    if eos == 4:
        return -RHO0 * (BETA_T + BETA_TS * thetas), 0.0
    z = -p
    return -RHO0 * (BETA_T * (1.0 - GAMMA_S * GRAV * z * RHO0) + BETA_TS * thetas), RHO0 * BETA_S


@adjoint_of(equation_of_state, reads=("temp", "salt"), writes=("rho", "nsqr"))
@column_kernel(radius=0)
def equation_of_state_adj(
    j, i, eos, temp, salt, maskT, maskW, zt, dzw, grav, rho_0, temp_adj, salt_adj, rho_adj,
    nsqr_adj, fbox,
):  # fmt: skip
    """Adjoint of rho and N^2 for every eos type (0 linear, 1 nonlinear_vallis, 2 teos10,
    3 quadratic, 4 quadratic_temperature_only):
    level k's temp and salt gather rho_k's adjoint and, through N^2_k (their density at
    their own pressure, minus) and N^2_{k-1} (at the pressure of level k-1, plus), the
    adjoints of the two N^2 they enter; the top N^2 copies the level below, so its adjoint
    joins that level's. Derivatives of the density are exact (``density_derivatives``)."""
    if not in_columns(j, i, fbox):
        return
    nz = temp.shape[0]
    for k in range(nz):
        g = rho_adj[k, j, i]
        if k < nz - 1:
            gn = nsqr_adj[k, j, i]
            if k == nz - 2:
                gn += nsqr_adj[nz - 1, j, i]
            c = -grav / rho_0 / dzw[k] * maskW[k, j, i] * gn  # adjoint of (upper - rho_k)
            g -= c
            dt_up, ds_up = density_derivatives(eos, temp[k + 1, j, i], salt[k + 1, j, i], -zt[k])
            temp_adj[k + 1, j, i] += c * dt_up
            salt_adj[k + 1, j, i] += c * ds_up
        d_t, d_s = density_derivatives(eos, temp[k, j, i], salt[k, j, i], -zt[k])
        g *= maskT[k, j, i]
        temp_adj[k, j, i] += g * d_t
        salt_adj[k, j, i] += g * d_s

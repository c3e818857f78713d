"""Equations of state: density anomaly rho - rho_0 [kg m-3] of conservative (potential)
temperature T [degC], salinity S [g kg-1] and pressure p [dbar] (p = |z| in metres).

0 = linear:          rho' = -rho_0 (beta_T (T - T0) - beta_S (S - S0))
1 = nonlinear_vallis: rho' = -rho_0 (g z/c_s^2 + beta_T (1 - gamma z g rho_0)(T - T0)
                                     + beta_Ts/2 (T - T0)^2 - beta_S (S - S0)),  z = -p
(Vallis 2006; constants as in pyOM2/Veros: rho_0 = 1024, T0 = 9.85, S0 = 35,
beta_T = 1.67e-4 K-1, beta_S = 0.78e-3, c_s = 1490 m s-1, beta_Ts = 1e-5 K-2,
gamma = 1.1e-8 m s2 kg-1.)
"""

from .core import column_kernel, stencil

RHO0 = 1024.0
THETA0 = 283.0 - 273.15
S0 = 35.0
BETA_T = 1.67e-4
BETA_S = 0.78e-3
CS0 = 1490.0
BETA_TS = 1e-5
GAMMA_S = 1.1e-8
GRAV = 9.81


@stencil
def density(eos, temp, salt, p):
    thetas = temp - THETA0
    if eos == 0:
        return -RHO0 * (BETA_T * thetas - BETA_S * (salt - S0))
    z = -p
    return -RHO0 * (
        GRAV * z / (CS0 * CS0)
        + BETA_T * (1.0 - GAMMA_S * GRAV * z * RHO0) * thetas
        + 0.5 * BETA_TS * thetas * thetas
        - BETA_S * (salt - S0)
    )


@column_kernel(radius=0)
def equation_of_state(j, i, eos, temp, salt, maskT, maskW, zt, dzw, grav, rho_0, rho, nsqr):
    """rho at T points and N^2 = -g/rho_0 (rho(S,T at k+1; p_k) - rho_k)/dzw_k at W points
    [s-2] (the upper cell brought to the lower cell's pressure); N^2 at the top copies the
    level below."""
    nz = temp.shape[0]
    for k in range(nz):
        rho[k, j, i] = maskT[k, j, i] * density(eos, temp[k, j, i], salt[k, j, i], -zt[k])
    for k in range(nz - 1):
        upper = density(eos, temp[k + 1, j, i], salt[k + 1, j, i], -zt[k])
        nsqr[k, j, i] = -grav / rho_0 * (upper - rho[k, j, i]) / dzw[k] * maskW[k, j, i]
    if nz > 1:
        nsqr[nz - 1, j, i] = nsqr[nz - 2, j, i]
    else:
        nsqr[0, j, i] = 0.0

"""Barotropic streamfunction (rigid lid) of pyOM2/Veros's default external mode.

psi [m3 s-1] lives on the north-east corner of each T cell; the depth-averaged velocity
of the barotropic mode is

    u = -(psi[j, i] - psi[j-1, i]) / (dyt H_u),   v = (psi[j, i] - psi[j, i-1]) / (cos_u dxt H_v)

(H_u, H_v: the depths at U and V points, ``hur = 1/H_u`` and ``hvr = 1/H_v`` on wet
points, 0 on land). Its tendency dpsi [m3 s-2] solves the curl of the depth-averaged
momentum equation,

    (1/cos_u^2) d_x(1/H_v d_x dpsi) + (1/cos_u) d_y(cos_t/H_u d_y dpsi) = curl(ubar, vbar),

with (ubar, vbar) the depth average of the momentum tendency [m s-2]. Multiplied by the
corner area cos_u dxu dyu the operator is symmetric; as for the surface pressure we solve
with its negative (``pressure.surface_pressure_operator``, couplings below).
"""

from .core import column_kernel, kernel, stencil


@kernel(radius=0, sweep=1)
def depth_mean_tendency_sweep(
    k, j, i, du, dv, du_mix, dv_mix, maskU, maskV, dzt, hur, hvr, ubar, vbar
):  # fmt: skip
    """:func:`depth_mean_tendency` at level k of a sweep up the columns: the partial sums
    kept in ubar, vbar, scaled by 1/H at the top level."""
    top = du.shape[0] - 1
    u_previous = ubar[j, i]  # loaded unconditionally: see tridiagonal.eliminate_row
    v_previous = vbar[j, i]
    su = (u_previous if k > 0 else 0.0) + (du[k, j, i] + du_mix[k, j, i]) * maskU[k, j, i] * dzt[k]
    sv = (v_previous if k > 0 else 0.0) + (dv[k, j, i] + dv_mix[k, j, i]) * maskV[k, j, i] * dzt[k]
    ubar[j, i] = su * hur[j, i] if k == top else su
    vbar[j, i] = sv * hvr[j, i] if k == top else sv


@column_kernel(radius=0, sweeps=(depth_mean_tendency_sweep,))
def depth_mean_tendency(
    j, i, du, dv, du_mix, dv_mix, maskU, maskV, dzt, hur, hvr, ubar, vbar
):  # fmt: skip
    """ubar = sum_k (du + du_mix) maskU dzt / H_u, and vbar likewise [m s-2]."""
    nz = du.shape[0]
    su = 0.0
    sv = 0.0
    for k in range(nz):
        su += (du[k, j, i] + du_mix[k, j, i]) * maskU[k, j, i] * dzt[k]
        sv += (dv[k, j, i] + dv_mix[k, j, i]) * maskV[k, j, i] * dzt[k]
    ubar[j, i] = su * hur[j, i]
    vbar[j, i] = sv * hvr[j, i]


@column_kernel(radius=1)
def streamfunction_rhs(
    j, i, ubar, vbar, unknown, dxu, dyu, cost, dpsi, dpsi_old, rhs, guess
):  # fmt: skip
    """rhs = -(corner area) curl(ubar, vbar) [m3 s-2] at the unknown corners, and the
    first guess 2 dpsi - dpsi_old there (0 on coasts and land)."""
    curl = dyu[j] * (vbar[j, i + 1] - vbar[j, i]) - dxu[i] * (
        cost[j + 1] * ubar[j + 1, i] - cost[j] * ubar[j, i]
    )
    rhs[j, i] = -unknown[j, i] * curl
    guess[j, i] = unknown[j, i] * (2.0 * dpsi[j, i] - dpsi_old[j, i])


@column_kernel(radius=1)
def streamfunction_velocity(j, i, psi, maskU, maskV, dxt, dyt, cosu, hur, hvr, ubar, vbar):
    """The depth-averaged velocity of psi [m s-1 for psi in m3 s-1]."""
    top = maskU.shape[0] - 1
    ubar[j, i] = -maskU[top, j, i] * (psi[j, i] - psi[j - 1, i]) / dyt[j] * hur[j, i]
    vbar[j, i] = maskV[top, j, i] * (psi[j, i] - psi[j, i - 1]) / (cosu[j] * dxt[i]) * hvr[j, i]


@column_kernel(radius=0)
def streamfunction_step(
    j, i, interior, basis, rates, dt, ab_new, ab_old, dpsi_old, psi, dpsi_new, psi_new
):  # fmt: skip
    """dpsi = interior + sum_n rates[n] basis[n] (the islands' parts) [m3 s-2]; then
    psi_new = psi + dt ((3/2+eps) dpsi - (1/2+eps) dpsi_old) [m3 s-1] (AB2)."""
    tendency = interior[j, i]
    for n in range(rates.shape[0]):
        tendency += rates[n] * basis[n, j, i]
    dpsi_new[j, i] = tendency
    psi_new[j, i] = psi[j, i] + dt * (ab_new * tendency - ab_old * dpsi_old[j, i])


@stencil
def psi_velocities(j, i, psi, dxt, dyt, cosu, hur, hvr):
    """The barotropic velocities of psi [m s-1] at the U and V points of cell (j, i):
    u = -(d psi/dy) / H_u, v = (d psi/dx) / H_v (hur, hvr = 1/H, 0 on land)."""
    u_psi = -(psi[j, i] - psi[j - 1, i]) / dyt[j] * hur[j, i]
    v_psi = (psi[j, i] - psi[j, i - 1]) / (cosu[j] * dxt[i]) * hvr[j, i]
    return u_psi, v_psi


@stencil
def replace_depth_mean(k, j, i, maskU, maskV, hur, hvr, u_sum, v_sum, u_psi, v_psi, u, v):
    """u, v at level k with their depth mean (depth integrals ``u_sum``, ``v_sum``)
    replaced by the barotropic velocities ``u_psi``, ``v_psi``."""
    u[k, j, i] = (u[k, j, i] - u_sum * maskU[k, j, i] * hur[j, i]) + maskU[k, j, i] * u_psi
    v[k, j, i] = (v[k, j, i] - v_sum * maskV[k, j, i] * hvr[j, i]) + maskV[k, j, i] * v_psi


@kernel(radius=0, sweep=1)
def barotropic_depth_sums(
    k, j, i, psi, maskU, maskV, dzt, dxt, dyt, cosu, hur, hvr, u_sum, v_sum, u, v
):  # fmt: skip
    """The depth integrals sum_k u maskU dzt and sum_k v maskV dzt of
    :func:`barotropic_velocity_update`, at level k of a sweep up the columns."""
    u_previous = u_sum[j, i]  # loaded unconditionally: see tridiagonal.eliminate_row
    v_previous = v_sum[j, i]
    u_sum[j, i] = (u_previous if k > 0 else 0.0) + u[k, j, i] * maskU[k, j, i] * dzt[k]
    v_sum[j, i] = (v_previous if k > 0 else 0.0) + v[k, j, i] * maskV[k, j, i] * dzt[k]


@kernel(radius=1)
def barotropic_replacement(
    k, j, i, psi, maskU, maskV, dzt, dxt, dyt, cosu, hur, hvr, u_sum, v_sum, u, v
):  # fmt: skip
    """The cells of :func:`barotropic_velocity_update` after :func:`barotropic_depth_sums`."""
    u_psi, v_psi = psi_velocities(j, i, psi, dxt, dyt, cosu, hur, hvr)
    u_total, v_total = u_sum[j, i], v_sum[j, i]
    replace_depth_mean(k, j, i, maskU, maskV, hur, hvr, u_total, v_total, u_psi, v_psi, u, v)


@column_kernel(radius=1, sweeps=(barotropic_depth_sums, barotropic_replacement))
def barotropic_velocity_update(
    j, i, psi, maskU, maskV, dzt, dxt, dyt, cosu, hur, hvr, u_sum, v_sum, u, v
):  # fmt: skip
    """u, v [m s-1]: the depth average of the predictor u*, v* replaced by the barotropic
    velocity of psi (u -= maskU sum_k(u maskU dzt)/H_u; u += maskU u_psi); the depth
    integrals are left in u_sum, v_sum [m2 s-1]. Launched as its sweep and cell forms."""
    nz = u.shape[0]
    su = 0.0
    sv = 0.0
    for k in range(nz):
        su += u[k, j, i] * maskU[k, j, i] * dzt[k]
        sv += v[k, j, i] * maskV[k, j, i] * dzt[k]
    u_sum[j, i] = su
    v_sum[j, i] = sv
    u_psi, v_psi = psi_velocities(j, i, psi, dxt, dyt, cosu, hur, hvr)
    for k in range(nz):
        replace_depth_mean(k, j, i, maskU, maskV, hur, hvr, su, sv, u_psi, v_psi, u, v)

"""Friction: implicit vertical viscosity, harmonic and biharmonic lateral friction, linear
and quadratic bottom drag (pyOM2/Veros discretisations). All results are accelerations
[m s-2] accumulated in ``du_mix``/``dv_mix``, which are not Adams-Bashforth extrapolated.
"""

import math

from .core import column_kernel, kernel, stencil
from .tridiagonal import solve_column


@column_kernel(radius=1)
def implicit_vertical_friction(
    j, i, u, v, kappaM, kbot, maskU, maskV, dzt, dzw, dt, work_u, work_v, du_mix, dv_mix
):
    """du_mix = (u* - u)/dt with (1 - dt d/dz kappaM d/dz) u* = u, zero stress at the top
    and bottom, kappaM [m2 s-1] averaged from W points to the U (V) column."""
    nz = u.shape[0]
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    for k in range(nz):
        du_mix[k, j, i] = 0.0
        dv_mix[k, j, i] = 0.0
        if k < nz - 1:
            ku_face = 0.5 * (kappaM[k, j, i] + kappaM[k, j, i + 1])
            kv_face = 0.5 * (kappaM[k, j, i] + kappaM[k, j + 1, i])
            work_u[k, j, i] = dt / dzw[k] * ku_face * maskU[k + 1, j, i] * maskU[k, j, i]
            work_v[k, j, i] = dt / dzw[k] * kv_face * maskV[k + 1, j, i] * maskV[k, j, i]
    if ku > 0:
        solve_column(j, i, ku - 1, nz, dzt, u, work_u, du_mix)
        for k in range(ku - 1, nz):
            du_mix[k, j, i] = (du_mix[k, j, i] - u[k, j, i]) / dt
    if kv > 0:
        solve_column(j, i, kv - 1, nz, dzt, v, work_v, dv_mix)
        for k in range(kv - 1, nz):
            dv_mix[k, j, i] = (dv_mix[k, j, i] - v[k, j, i]) / dt


@stencil
def laplacian_u(k, j, i, u, maskU, coef_x, coef_y, dxt, dxu, dyt, dyu, cost, cosu):
    """div(c grad u) at U [m-1 s-1 times c]: c = coef_x[j] on x fluxes (at T points),
    coef_y[j] on y fluxes (at corners); free slip at walls (masked fluxes)."""
    fe = coef_x[j] * (u[k, j, i + 1] - u[k, j, i]) / (cost[j] * dxt[i + 1])
    fe *= maskU[k, j, i + 1] * maskU[k, j, i]
    fw = coef_x[j] * (u[k, j, i] - u[k, j, i - 1]) / (cost[j] * dxt[i])
    fw *= maskU[k, j, i] * maskU[k, j, i - 1]
    fn = coef_y[j] * (u[k, j + 1, i] - u[k, j, i]) / dyu[j] * cosu[j]
    fn *= maskU[k, j + 1, i] * maskU[k, j, i]
    fs = coef_y[j - 1] * (u[k, j, i] - u[k, j - 1, i]) / dyu[j - 1] * cosu[j - 1]
    fs *= maskU[k, j, i] * maskU[k, j - 1, i]
    return maskU[k, j, i] * ((fe - fw) / (cost[j] * dxu[i]) + (fn - fs) / (cost[j] * dyt[j]))


@stencil
def laplacian_v(k, j, i, v, maskV, coef_x, coef_y, dxt, dxu, dyt, dyu, cost, cosu):
    """div(c grad v) at V: c = coef_x[j] on x fluxes (at corners), coef_y[j] on y fluxes
    (at T points)."""
    fe = coef_x[j] * (v[k, j, i + 1] - v[k, j, i]) / (cosu[j] * dxu[i])
    fe *= maskV[k, j, i + 1] * maskV[k, j, i]
    fw = coef_x[j] * (v[k, j, i] - v[k, j, i - 1]) / (cosu[j] * dxu[i - 1])
    fw *= maskV[k, j, i] * maskV[k, j, i - 1]
    fn = coef_y[j + 1] * (v[k, j + 1, i] - v[k, j, i]) / dyt[j + 1] * cost[j + 1]
    fn *= maskV[k, j + 1, i] * maskV[k, j, i]
    fs = coef_y[j] * (v[k, j, i] - v[k, j - 1, i]) / dyt[j] * cost[j]
    fs *= maskV[k, j, i] * maskV[k, j - 1, i]
    return maskV[k, j, i] * ((fe - fw) / (cosu[j] * dxt[i]) + (fn - fs) / (cosu[j] * dyu[j]))


@kernel(radius=1)
def biharmonic_laplacian(
    k, j, i, u, v, maskU, maskV, cu_x, cu_y, cv_x, cv_y,
    dxt, dxu, dyt, dyu, cost, cosu, lap_u, lap_v,
):  # fmt: skip
    """First pass of biharmonic friction: lap = div(sqrt(A_hbi) grad u) (and for v)."""
    lap_u[k, j, i] = laplacian_u(k, j, i, u, maskU, cu_x, cu_y, dxt, dxu, dyt, dyu, cost, cosu)
    lap_v[k, j, i] = laplacian_v(k, j, i, v, maskV, cv_x, cv_y, dxt, dxu, dyt, dyu, cost, cosu)


@stencil
def bottom_drag(k, kb, vel, speed, r_bot, r_quad_bot, dzt):
    """Linear and quadratic drag [m s-2] in the deepest wet cell of the column (k == kb-1)."""
    if k != kb - 1:
        return 0.0
    return -r_bot * vel - r_quad_bot * vel * speed / dzt[k]


@kernel(radius=1)
def explicit_friction(
    k, j, i, u, v, lap_u, lap_v, kbot, maskU, maskV,
    hu_x, hu_y, hv_x, hv_y, bu_x, bu_y, bv_x, bv_y,
    dxt, dxu, dyt, dyu, dzt, cost, cosu, r_bot, r_quad_bot, biharmonic, du_mix, dv_mix,
):  # fmt: skip
    """du_mix += A_h lap(u) - lap(sqrt(A_hbi) lap(sqrt(A_hbi) u)) + bottom drag (same for v).

    ``hu_x, hu_y`` etc. are the lateral coefficients per row [m2 s-1] (A_h cos^p) or
    [m2 s-1/2] (sqrt(A_hbi) cos^(p/2)); ``lap_u``/``lap_v`` come from ``biharmonic_laplacian``.
    Quadratic drag uses the speed from u and the 4 surrounding v (Veros).
    """
    mu, mv = maskU[k, j, i], maskV[k, j, i]
    gu = laplacian_u(k, j, i, u, maskU, hu_x, hu_y, dxt, dxu, dyt, dyu, cost, cosu)
    gv = laplacian_v(k, j, i, v, maskV, hv_x, hv_y, dxt, dxu, dyt, dyu, cost, cosu)
    if biharmonic:
        gu -= laplacian_u(k, j, i, lap_u, maskU, bu_x, bu_y, dxt, dxu, dyt, dyu, cost, cosu)
        gv -= laplacian_v(k, j, i, lap_v, maskV, bv_x, bv_y, dxt, dxu, dyt, dyu, cost, cosu)
    vsq = (
        maskV[k, j, i] * v[k, j, i] ** 2
        + maskV[k, j - 1, i] * v[k, j - 1, i] ** 2
        + maskV[k, j, i + 1] * v[k, j, i + 1] ** 2
        + maskV[k, j - 1, i + 1] * v[k, j - 1, i + 1] ** 2
    )
    usq = (
        maskU[k, j, i] * u[k, j, i] ** 2
        + maskU[k, j, i - 1] * u[k, j, i - 1] ** 2
        + maskU[k, j + 1, i] * u[k, j + 1, i] ** 2
        + maskU[k, j + 1, i - 1] * u[k, j + 1, i - 1] ** 2
    )
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    speed_u = math.sqrt(u[k, j, i] ** 2 + 0.25 * vsq)
    speed_v = math.sqrt(v[k, j, i] ** 2 + 0.25 * usq)
    gu += bottom_drag(k, ku, u[k, j, i], speed_u, r_bot, r_quad_bot, dzt)
    gv += bottom_drag(k, kv, v[k, j, i], speed_v, r_bot, r_quad_bot, dzt)
    du_mix[k, j, i] += mu * gu
    dv_mix[k, j, i] += mv * gv

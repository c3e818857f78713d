"""Friction: implicit vertical viscosity, harmonic and biharmonic lateral friction, linear
and quadratic bottom drag (pyOM2/Veros discretisations). All results are accelerations
[m s-2] accumulated in ``du_mix``/``dv_mix``, which are not Adams-Bashforth extrapolated.
"""

import math

from .core import adjoint_of, column_kernel, in_box, in_box2, kernel, stencil
from .tridiagonal import solve_column, solve_column_transposed


@stencil
def face_delta(k, j, i, j2, i2, kappaM, mask, dzw, dt):
    """dt kappa / dzw [m] at the W face above level k of the velocity column between T
    columns (j, i) and (j2, i2) (kappaM averaged); 0 unless both levels are wet."""
    face = 0.5 * (kappaM[k, j, i] + kappaM[k, j2, i2])
    return dt / dzw[k] * face * mask[k + 1, j, i] * mask[k, j, i]


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
            work_u[k, j, i] = face_delta(k, j, i, j, i + 1, kappaM, maskU, dzw, dt)
            work_v[k, j, i] = face_delta(k, j, i, j + 1, i, kappaM, maskV, dzw, dt)
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
def speed_at_u(k, j, i, u, v, maskV):
    """Speed [m s-1] at U: u and the 4 surrounding (wet) v (Veros)."""
    vsq = (
        maskV[k, j, i] * v[k, j, i] ** 2
        + maskV[k, j - 1, i] * v[k, j - 1, i] ** 2
        + maskV[k, j, i + 1] * v[k, j, i + 1] ** 2
        + maskV[k, j - 1, i + 1] * v[k, j - 1, i + 1] ** 2
    )
    return math.sqrt(u[k, j, i] ** 2 + 0.25 * vsq)


@stencil
def speed_at_v(k, j, i, u, v, maskU):
    """Speed [m s-1] at V: v and the 4 surrounding (wet) u."""
    usq = (
        maskU[k, j, i] * u[k, j, i] ** 2
        + maskU[k, j, i - 1] * u[k, j, i - 1] ** 2
        + maskU[k, j + 1, i] * u[k, j + 1, i] ** 2
        + maskU[k, j + 1, i - 1] * u[k, j + 1, i - 1] ** 2
    )
    return math.sqrt(v[k, j, i] ** 2 + 0.25 * usq)


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
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    speed_u = speed_at_u(k, j, i, u, v, maskV)
    speed_v = speed_at_v(k, j, i, u, v, maskU)
    gu += bottom_drag(k, ku, u[k, j, i], speed_u, r_bot, r_quad_bot, dzt)
    gv += bottom_drag(k, kv, v[k, j, i], speed_v, r_bot, r_quad_bot, dzt)
    du_mix[k, j, i] += mu * gu
    dv_mix[k, j, i] += mv * gv


# -- adjoints ------------------------------------------------------------------------------
@stencil(inline=False)
def vertical_friction_column_adj(
    j, i, kb, nz, j2, i2, vel, kappaM, mask, dzt, dzw, dt, work, mix, vel_adj, mix_adj
):  # fmt: skip
    """Adjoint of mix = (A^-1 vel - vel)/dt on levels kb-1..nz-1 of one velocity column.

    With x = A^-1 vel (= vel + dt mix) and y = A^-T mix_adj/dt: vel_adj += y - mix_adj/dt,
    and delta_k (the face above level k, A = 1 + D^-1 L(delta)) has the adjoint
    -(y_k/dz_k - y_k+1/dz_k+1)(x_k - x_k+1). x is taken from the forward's output as
    vel + dt mix (round-off of order eps |x - vel|: no second solve, no storage). The
    column of ``mix_adj`` is overwritten by delta's adjoint (0 where there is no face);
    ``work`` is work space for the solve.
    """
    if kb == 0:
        for k in range(nz):
            mix_adj[k, j, i] = 0.0
        return
    k0 = kb - 1
    for k in range(k0, nz):
        g = mix_adj[k, j, i] / dt
        vel_adj[k, j, i] -= g
        mix_adj[k, j, i] = g
    for k in range(k0, nz - 1):
        work[k, j, i] = face_delta(k, j, i, j2, i2, kappaM, mask, dzw, dt)
    solve_column_transposed(j, i, k0, nz, dzt, work, mix_adj)
    for k in range(k0, nz):
        vel_adj[k, j, i] += mix_adj[k, j, i]
    for k in range(nz):
        if k < k0 or k == nz - 1:
            mix_adj[k, j, i] = 0.0
        else:  # x_k - x_k+1 from the forward's output; mix_adj[k+1] still holds y_k+1
            dx = (vel[k, j, i] + dt * mix[k, j, i]) - (vel[k + 1, j, i] + dt * mix[k + 1, j, i])
            dy = mix_adj[k, j, i] / dzt[k] - mix_adj[k + 1, j, i] / dzt[k + 1]
            mix_adj[k, j, i] = -dy * dx


@adjoint_of(
    implicit_vertical_friction,
    reads=("u", "v", "kappaM"),
    writes=("du_mix", "dv_mix"),
    scratch=("work_u", "work_v"),
)
@column_kernel(radius=1)
def implicit_vertical_friction_adj_solve(
    j, i, u, v, kappaM, kbot, maskU, maskV, dzt, dzw, dt, work_u, work_v, du_mix, dv_mix,
    u_adj, v_adj, du_mix_adj, dv_mix_adj, fbox,
):  # fmt: skip
    """First part of the adjoint of implicit vertical friction: per forward column, the
    transposed solve gives u_adj and v_adj, and du_mix_adj/dv_mix_adj are overwritten in
    place by the adjoints of the faces' dt kappa/dzw (read by the second part; the caller
    zeroes them afterwards). work_u/work_v, the forward's scratch, are the solves' work
    space again."""
    if not in_box2(j, i, fbox):
        return
    nz = u.shape[0]
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    vertical_friction_column_adj(
        j, i, ku, nz, j, i + 1, u, kappaM, maskU, dzt, dzw, dt, work_u, du_mix, u_adj, du_mix_adj
    )  # fmt: skip
    vertical_friction_column_adj(
        j, i, kv, nz, j + 1, i, v, kappaM, maskV, dzt, dzw, dt, work_v, dv_mix, v_adj, dv_mix_adj
    )  # fmt: skip


@adjoint_of(implicit_vertical_friction)
@column_kernel(radius=1)
def implicit_vertical_friction_adj_kappa(
    j, i, maskU, maskV, dzw, dt, kappaM_adj, du_mix_adj, dv_mix_adj, fbox
):  # fmt: skip
    """Second part: kappaM at T column (j, i) gathers the face adjoints left by the first
    part in the U columns (j, i), (j, i-1) and the V columns (j, i), (j-1, i) that average
    it (d delta / d kappaM = dt/dzw * 0.5 * masks)."""
    nz = kappaM_adj.shape[0]
    here = in_box2(j, i, fbox)
    west = in_box2(j, i - 1, fbox)
    south = in_box2(j - 1, i, fbox)
    for k in range(nz - 1):
        total = 0.0
        if here:
            total += du_mix_adj[k, j, i] * maskU[k + 1, j, i] * maskU[k, j, i]
            total += dv_mix_adj[k, j, i] * maskV[k + 1, j, i] * maskV[k, j, i]
        if west:
            total += du_mix_adj[k, j, i - 1] * maskU[k + 1, j, i - 1] * maskU[k, j, i - 1]
        if south:
            total += dv_mix_adj[k, j - 1, i] * maskV[k + 1, j - 1, i] * maskV[k, j - 1, i]
        kappaM_adj[k, j, i] += dt / dzw[k] * 0.5 * total


@stencil
def laplacian_u_weights(k, j, i, maskU, dxt, dxu, dyt, dyu, cost, cosu):
    """(we, ww, wn, ws) with laplacian_u = we cx[j] (u_e - u) - ww cx[j] (u - u_w)
    + wn cy[j] (u_n - u) - ws cy[j-1] (u - u_s) at U cell (k, j, i)."""
    m = maskU[k, j, i]
    we = m * maskU[k, j, i + 1] / (cost[j] * dxt[i + 1] * cost[j] * dxu[i])
    ww = m * maskU[k, j, i - 1] / (cost[j] * dxt[i] * cost[j] * dxu[i])
    wn = m * maskU[k, j + 1, i] * cosu[j] / (dyu[j] * cost[j] * dyt[j])
    ws = m * maskU[k, j - 1, i] * cosu[j - 1] / (dyu[j - 1] * cost[j] * dyt[j])
    return we, ww, wn, ws


@stencil
def laplacian_v_weights(k, j, i, maskV, dxt, dxu, dyt, dyu, cost, cosu):
    """(we, ww, wn, ws) with laplacian_v = we cx[j] (v_e - v) - ww cx[j] (v - v_w)
    + wn cy[j+1] (v_n - v) - ws cy[j] (v - v_s) at V cell (k, j, i)."""
    m = maskV[k, j, i]
    we = m * maskV[k, j, i + 1] / (cosu[j] * dxu[i] * cosu[j] * dxt[i])
    ww = m * maskV[k, j, i - 1] / (cosu[j] * dxu[i - 1] * cosu[j] * dxt[i])
    wn = m * maskV[k, j + 1, i] * cost[j + 1] / (dyt[j + 1] * cosu[j] * dyu[j])
    ws = m * maskV[k, j - 1, i] * cost[j] / (dyt[j] * cosu[j] * dyu[j])
    return we, ww, wn, ws


@stencil
def laplacian_u_adj_from(k, j, i, dj, di, g, maskU, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """g[n] d laplacian_u[n] / d u[k, j, i] for the U cell n = (k, j+dj, i+di), (dj, di)
    zero or one step along an axis (0 unless n is in the forward box)."""
    jn = j + dj
    i_n = i + di
    if not in_box(k, jn, i_n, fbox):
        return 0.0
    we, ww, wn, ws = laplacian_u_weights(k, jn, i_n, maskU, dxt, dxu, dyt, dyu, cost, cosu)
    gn = g[k, jn, i_n]
    if di == 1:  # the east neighbour's west flux
        return gn * cx[jn] * ww
    if di == -1:
        return gn * cx[jn] * we
    if dj == 1:  # the north neighbour's south flux
        return gn * cy[jn - 1] * ws
    if dj == -1:
        return gn * cy[jn] * wn
    return -gn * (cx[jn] * (we + ww) + cy[jn] * wn + cy[jn - 1] * ws)


@stencil
def laplacian_v_adj_from(k, j, i, dj, di, g, maskV, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """g[n] d laplacian_v[n] / d v[k, j, i] for the V cell n = (k, j+dj, i+di), as for u."""
    jn = j + dj
    i_n = i + di
    if not in_box(k, jn, i_n, fbox):
        return 0.0
    we, ww, wn, ws = laplacian_v_weights(k, jn, i_n, maskV, dxt, dxu, dyt, dyu, cost, cosu)
    gn = g[k, jn, i_n]
    if di == 1:
        return gn * cx[jn] * ww
    if di == -1:
        return gn * cx[jn] * we
    if dj == 1:
        return gn * cy[jn] * ws
    if dj == -1:
        return gn * cy[jn + 1] * wn
    return -gn * (cx[jn] * (we + ww) + cy[jn + 1] * wn + cy[jn] * ws)


@stencil
def laplacian_u_adj(k, j, i, g, maskU, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """sum over U cells n in the forward box of g[n] d laplacian_u[n] / d u[k, j, i]."""
    return (
        laplacian_u_adj_from(k, j, i, 0, 0, g, maskU, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox)
        + laplacian_u_adj_from(
            k, j, i, 0, -1, g, maskU, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        + laplacian_u_adj_from(
            k, j, i, 0, 1, g, maskU, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        + laplacian_u_adj_from(
            k, j, i, -1, 0, g, maskU, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        + laplacian_u_adj_from(
            k, j, i, 1, 0, g, maskU, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
    )


@stencil
def laplacian_v_adj(k, j, i, g, maskV, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """sum over V cells n in the forward box of g[n] d laplacian_v[n] / d v[k, j, i]."""
    return (
        laplacian_v_adj_from(k, j, i, 0, 0, g, maskV, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox)
        + laplacian_v_adj_from(
            k, j, i, 0, -1, g, maskV, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        + laplacian_v_adj_from(
            k, j, i, 0, 1, g, maskV, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        + laplacian_v_adj_from(
            k, j, i, -1, 0, g, maskV, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        + laplacian_v_adj_from(
            k, j, i, 1, 0, g, maskV, cx, cy, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
    )


@stencil
def laplacian_u_x_row_adj(k, j, i, x, g, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """d/d cx[j] of g[n] laplacian_u[n] for n = (k, j, i) (its two x fluxes)."""
    if not in_box(k, j, i, fbox):
        return 0.0
    we, ww, wn, ws = laplacian_u_weights(k, j, i, maskU, dxt, dxu, dyt, dyu, cost, cosu)
    xc = x[k, j, i]
    return g[k, j, i] * (we * (x[k, j, i + 1] - xc) - ww * (xc - x[k, j, i - 1]))


@stencil
def laplacian_u_y_row_adj(k, j, i, dj, x, g, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """d/d cy[j] of g[n] laplacian_u[n] for n = (k, j+dj, i), dj = 0 (its north flux) or
    1 (its south flux): the two cells beside the face between rows j and j+1."""
    jn = j + dj
    if not in_box(k, jn, i, fbox):
        return 0.0
    we, ww, wn, ws = laplacian_u_weights(k, jn, i, maskU, dxt, dxu, dyt, dyu, cost, cosu)
    if dj == 0:
        return g[k, jn, i] * wn * (x[k, j + 1, i] - x[k, j, i])
    return -g[k, jn, i] * ws * (x[k, j + 1, i] - x[k, j, i])


@stencil
def laplacian_v_x_row_adj(k, j, i, x, g, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """d/d cx[j] of g[n] laplacian_v[n] for n = (k, j, i) (its two x fluxes)."""
    if not in_box(k, j, i, fbox):
        return 0.0
    we, ww, wn, ws = laplacian_v_weights(k, j, i, maskV, dxt, dxu, dyt, dyu, cost, cosu)
    xc = x[k, j, i]
    return g[k, j, i] * (we * (x[k, j, i + 1] - xc) - ww * (xc - x[k, j, i - 1]))


@stencil
def laplacian_v_y_row_adj(k, j, i, dj, x, g, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """d/d cy[j] of g[n] laplacian_v[n] for n = (k, j+dj, i), dj = 0 (its south flux) or
    -1 (its north flux): the two cells beside the face between rows j-1 and j."""
    jn = j + dj
    if not in_box(k, jn, i, fbox):
        return 0.0
    we, ww, wn, ws = laplacian_v_weights(k, jn, i, maskV, dxt, dxu, dyt, dyu, cost, cosu)
    if dj == 0:
        return -g[k, jn, i] * ws * (x[k, j, i] - x[k, j - 1, i])
    return g[k, jn, i] * wn * (x[k, j, i] - x[k, j - 1, i])


@stencil
def laplacian_u_rows_adj(k, j, i, x, g, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """(d/d cx[j], d/d cy[j]) of sum_n g[n] laplacian_u[n] over U cells n in the forward
    box, the share of cell (k, j, i): its x fluxes, its north flux and the south flux of
    (k, j+1, i)."""
    dcx = laplacian_u_x_row_adj(k, j, i, x, g, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox)
    dcy = laplacian_u_y_row_adj(
        k, j, i, 0, x, g, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox
    ) + laplacian_u_y_row_adj(k, j, i, 1, x, g, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox)
    return dcx, dcy


@stencil
def laplacian_v_rows_adj(k, j, i, x, g, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox):
    """(d/d cx[j], d/d cy[j]) of sum_n g[n] laplacian_v[n] over V cells n in the forward
    box, the share of cell (k, j, i): its x fluxes, its south flux and the north flux of
    (k, j-1, i)."""
    dcx = laplacian_v_x_row_adj(k, j, i, x, g, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox)
    dcy = laplacian_v_y_row_adj(
        k, j, i, 0, x, g, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox
    ) + laplacian_v_y_row_adj(k, j, i, -1, x, g, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox)
    return dcx, dcy


@adjoint_of(
    biharmonic_laplacian,
    reads=("u", "v"),
    writes=("lap_u", "lap_v"),
    rows=("cu_x", "cu_y", "cv_x", "cv_y"),
)
@kernel(radius=1)
def biharmonic_laplacian_adj_u(
    k, j, i, u, maskU, cu_x, cu_y, dxt, dxu, dyt, dyu, cost, cosu,
    lap_u_adj, u_adj, cu_x_adj, cu_y_adj, fbox,
):  # fmt: skip
    """Adjoint of lap_u = div(c grad u) (linear in u and in the coefficients): u gathers
    lap_u_adj through the 5-point stencil, the rows cu_x, cu_y their fluxes' shares."""
    u_adj[k, j, i] += laplacian_u_adj(
        k, j, i, lap_u_adj, maskU, cu_x, cu_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_u_rows_adj(
        k, j, i, u, lap_u_adj, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    cu_x_adj[k, j, i] += dcx
    cu_y_adj[k, j, i] += dcy


@adjoint_of(biharmonic_laplacian)
@kernel(radius=1)
def biharmonic_laplacian_adj_v(
    k, j, i, v, maskV, cv_x, cv_y, dxt, dxu, dyt, dyu, cost, cosu,
    lap_v_adj, v_adj, cv_x_adj, cv_y_adj, fbox,
):  # fmt: skip
    """Adjoint of lap_v = div(c grad v), as for u."""
    v_adj[k, j, i] += laplacian_v_adj(
        k, j, i, lap_v_adj, maskV, cv_x, cv_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_v_rows_adj(
        k, j, i, v, lap_v_adj, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    cv_x_adj[k, j, i] += dcx
    cv_y_adj[k, j, i] += dcy


@stencil
def drag_adj_terms(k, kb, vel, speed, g, r_bot, r_quad_bot, dzt):
    """g times the partial derivatives of ``bottom_drag``: (d/dvel at fixed speed,
    d/dspeed / speed, d/dr_bot, d/dr_quad_bot). At speed 0 (vel and its neighbours all 0)
    vel * speed is differentiable with derivative 0: the speed term is taken as 0 there."""
    if k != kb - 1:
        return 0.0, 0.0, 0.0, 0.0
    quad = r_quad_bot / dzt[k]
    per_speed = 0.0
    if speed > 0.0:
        per_speed = -g * quad * vel / speed
    return g * (-r_bot - quad * speed), per_speed, -g * vel, -g * vel * speed / dzt[k]


@stencil
def drag_u_adj_terms(k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj):
    """:func:`drag_adj_terms` of U cell (k, j, i), weighted by maskU du_mix_adj."""
    ku = max(kbot[j, i], kbot[j, i + 1])
    if k != ku - 1:
        return 0.0, 0.0, 0.0, 0.0
    g = maskU[k, j, i] * du_mix_adj[k, j, i]
    speed = speed_at_u(k, j, i, u, v, maskV)
    return drag_adj_terms(k, ku, u[k, j, i], speed, g, r_bot, r_quad_bot, dzt)


@stencil
def drag_v_adj_terms(k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj):
    """:func:`drag_adj_terms` of V cell (k, j, i), weighted by maskV dv_mix_adj."""
    kv = max(kbot[j, i], kbot[j + 1, i])
    if k != kv - 1:
        return 0.0, 0.0, 0.0, 0.0
    g = maskV[k, j, i] * dv_mix_adj[k, j, i]
    speed = speed_at_v(k, j, i, u, v, maskU)
    return drag_adj_terms(k, kv, v[k, j, i], speed, g, r_bot, r_quad_bot, dzt)


@adjoint_of(
    explicit_friction,
    reads=("u", "v", "lap_u", "lap_v"),
    updates=("du_mix", "dv_mix"),
    scalars=("r_bot", "r_quad_bot"),
    rows=("hu_x", "hu_y", "hv_x", "hv_y", "bu_x", "bu_y", "bv_x", "bv_y"),
)
@kernel(radius=1)
def explicit_friction_adj_u(
    k, j, i, u, lap_u, maskU, hu_x, hu_y, bu_x, bu_y, dxt, dxu, dyt, dyu, cost, cosu,
    biharmonic, du_mix_adj, u_adj, lap_u_adj, hu_x_adj, hu_y_adj, bu_x_adj, bu_y_adj, fbox,
):  # fmt: skip
    """Adjoint of the lateral friction of u (du_mix += maskU (lap_h u - lap_b lap_u), linear;
    du_mix_adj passes through unchanged): u and lap_u gather du_mix_adj through the two
    Laplacians, the rows their fluxes' shares. The output mask maskU is 0 or 1 and the
    Laplacian carries it already, so it is not applied twice."""
    u_adj[k, j, i] += laplacian_u_adj(
        k, j, i, du_mix_adj, maskU, hu_x, hu_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_u_rows_adj(
        k, j, i, u, du_mix_adj, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    hu_x_adj[k, j, i] += dcx
    hu_y_adj[k, j, i] += dcy
    if biharmonic:
        lap_u_adj[k, j, i] -= laplacian_u_adj(
            k, j, i, du_mix_adj, maskU, bu_x, bu_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        dcx, dcy = laplacian_u_rows_adj(
            k, j, i, lap_u, du_mix_adj, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        bu_x_adj[k, j, i] -= dcx
        bu_y_adj[k, j, i] -= dcy


@adjoint_of(explicit_friction)
@kernel(radius=1)
def explicit_friction_adj_v(
    k, j, i, v, lap_v, maskV, hv_x, hv_y, bv_x, bv_y, dxt, dxu, dyt, dyu, cost, cosu,
    biharmonic, dv_mix_adj, v_adj, lap_v_adj, hv_x_adj, hv_y_adj, bv_x_adj, bv_y_adj, fbox,
):  # fmt: skip
    """Adjoint of the lateral friction of v, as for u."""
    v_adj[k, j, i] += laplacian_v_adj(
        k, j, i, dv_mix_adj, maskV, hv_x, hv_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_v_rows_adj(
        k, j, i, v, dv_mix_adj, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    hv_x_adj[k, j, i] += dcx
    hv_y_adj[k, j, i] += dcy
    if biharmonic:
        lap_v_adj[k, j, i] -= laplacian_v_adj(
            k, j, i, dv_mix_adj, maskV, bv_x, bv_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        dcx, dcy = laplacian_v_rows_adj(
            k, j, i, lap_v, dv_mix_adj, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        bv_x_adj[k, j, i] -= dcx
        bv_y_adj[k, j, i] -= dcy


@adjoint_of(explicit_friction)
@kernel(radius=1)
def explicit_friction_adj_drag(
    k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj, dv_mix_adj,
    u_adj, v_adj, r_bot_adj, r_quad_bot_adj, fbox,
):  # fmt: skip
    """Adjoint of the bottom drag -r_bot vel - r_quad_bot vel speed/dzt in the deepest wet
    cell: u (v) gathers its own drag's derivative and those of the 4 V (U) cells whose
    speed it enters; r_bot and r_quad_bot get this cell's contributions."""
    uc, vc = u[k, j, i], v[k, j, i]
    gu = 0.0
    gv = 0.0
    su = 0.0  # sum of d drag/d speed / speed of the U cells whose speed has v[k, j, i]
    sv = 0.0  # ... of the V cells whose speed has u[k, j, i]
    if in_box(k, j, i, fbox):
        a, b, dr, dq = drag_u_adj_terms(
            k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )
        gu += a + b * uc
        su += b
        r_bot_adj[k, j, i] += dr
        r_quad_bot_adj[k, j, i] += dq
        a, b, dr, dq = drag_v_adj_terms(
            k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )
        gv += a + b * vc
        sv += b
        r_bot_adj[k, j, i] += dr
        r_quad_bot_adj[k, j, i] += dq
    # u[k, j, i] enters the speed of V cells (j, i), (j, i+1), (j-1, i), (j-1, i+1)
    if in_box(k, j, i + 1, fbox):
        sv += drag_v_adj_terms(
            k, j, i + 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )[1]
    if in_box(k, j - 1, i, fbox):
        sv += drag_v_adj_terms(
            k, j - 1, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )[1]
    if in_box(k, j - 1, i + 1, fbox):
        sv += drag_v_adj_terms(
            k, j - 1, i + 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )[1]
    # v[k, j, i] enters the speed of U cells (j, i), (j+1, i), (j, i-1), (j+1, i-1)
    if in_box(k, j + 1, i, fbox):
        su += drag_u_adj_terms(
            k, j + 1, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )[1]
    if in_box(k, j, i - 1, fbox):
        su += drag_u_adj_terms(
            k, j, i - 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )[1]
    if in_box(k, j + 1, i - 1, fbox):
        su += drag_u_adj_terms(
            k, j + 1, i - 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )[1]
    u_adj[k, j, i] += gu + 0.25 * maskU[k, j, i] * uc * sv
    v_adj[k, j, i] += gv + 0.25 * maskV[k, j, i] * vc * su

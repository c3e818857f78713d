"""Harmonic lateral friction of u and v (pyOM2/Veros flux form with per-row viscosity
coefficients, zero flux through coasts) as stencils, and the stencils of their adjoints
with respect to the velocity and to the coefficients."""

from .core import in_box, stencil


@stencil
def friction_fluxes_u(k, j, i, u, maskU, coef_x, coef_y, dxt, dyu, cost, cosu):
    """(east, west, north, south) fluxes c grad u around U cell (k, j, i): c = coef_x[j]
    on x fluxes (at T points), coef_y[j] on y fluxes (at corners, times cosu); masked at
    walls (free slip)."""
    fe = coef_x[j] * (u[k, j, i + 1] - u[k, j, i]) / (cost[j] * dxt[i + 1])
    fe *= maskU[k, j, i + 1] * maskU[k, j, i]
    fw = coef_x[j] * (u[k, j, i] - u[k, j, i - 1]) / (cost[j] * dxt[i])
    fw *= maskU[k, j, i] * maskU[k, j, i - 1]
    fn = coef_y[j] * (u[k, j + 1, i] - u[k, j, i]) / dyu[j] * cosu[j]
    fn *= maskU[k, j + 1, i] * maskU[k, j, i]
    fs = coef_y[j - 1] * (u[k, j, i] - u[k, j - 1, i]) / dyu[j - 1] * cosu[j - 1]
    fs *= maskU[k, j, i] * maskU[k, j - 1, i]
    return fe, fw, fn, fs


@stencil
def laplacian_u(k, j, i, u, maskU, coef_x, coef_y, dxt, dxu, dyt, dyu, cost, cosu):
    """div(c grad u) at U [m-1 s-1 times c], the fluxes of :func:`friction_fluxes_u`."""
    fe, fw, fn, fs = friction_fluxes_u(k, j, i, u, maskU, coef_x, coef_y, dxt, dyu, cost, cosu)
    return maskU[k, j, i] * ((fe - fw) / (cost[j] * dxu[i]) + (fn - fs) / (cost[j] * dyt[j]))


@stencil
def friction_fluxes_v(k, j, i, v, maskV, coef_x, coef_y, dxu, dyt, cost, cosu):
    """(east, west, north, south) fluxes c grad v around V cell (k, j, i): c = coef_x[j]
    on x fluxes (at corners), coef_y on y fluxes (at T points, times cost)."""
    fe = coef_x[j] * (v[k, j, i + 1] - v[k, j, i]) / (cosu[j] * dxu[i])
    fe *= maskV[k, j, i + 1] * maskV[k, j, i]
    fw = coef_x[j] * (v[k, j, i] - v[k, j, i - 1]) / (cosu[j] * dxu[i - 1])
    fw *= maskV[k, j, i] * maskV[k, j, i - 1]
    fn = coef_y[j + 1] * (v[k, j + 1, i] - v[k, j, i]) / dyt[j + 1] * cost[j + 1]
    fn *= maskV[k, j + 1, i] * maskV[k, j, i]
    fs = coef_y[j] * (v[k, j, i] - v[k, j - 1, i]) / dyt[j] * cost[j]
    fs *= maskV[k, j, i] * maskV[k, j - 1, i]
    return fe, fw, fn, fs


@stencil
def laplacian_v(k, j, i, v, maskV, coef_x, coef_y, dxt, dxu, dyt, dyu, cost, cosu):
    """div(c grad v) at V, the fluxes of :func:`friction_fluxes_v`."""
    fe, fw, fn, fs = friction_fluxes_v(k, j, i, v, maskV, coef_x, coef_y, dxu, dyt, cost, cosu)
    return maskV[k, j, i] * ((fe - fw) / (cosu[j] * dxt[i]) + (fn - fs) / (cosu[j] * dyu[j]))


# -- adjoints ------------------------------------------------------------------------------
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

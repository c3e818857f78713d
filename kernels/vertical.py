"""Vertical velocity from continuity, and vertical mixing coefficients."""

from .core import adjoint_of, column_kernel, in_box, in_box2, kernel, stencil


@stencil
def horizontal_divergence(u, v, k, j, i, dxt, dyt, cost, cosu):
    """d_x u + d_y(cos v)/cos [s-1] of cell (k, j, i) on the sphere, from the velocities on
    its east and north faces (and those of its west and south neighbours)."""
    return (u[k, j, i] - u[k, j, i - 1]) / (cost[j] * dxt[i]) + (
        cosu[j] * v[k, j, i] - cosu[j - 1] * v[k, j - 1, i]
    ) / (cost[j] * dyt[j])


@kernel(radius=1, sweep=1)
def vertical_velocity_sweep(k, j, i, u, v, maskW, dxt, dyt, dzt, cost, cosu, w):
    """:func:`vertical_velocity` at level k of a sweep up the columns: w_k = w_{k-1} -
    maskW dzt div (w_{-1} = 0)."""
    div = horizontal_divergence(u, v, k, j, i, dxt, dyt, cost, cosu)
    previous = w[max(k - 1, 0), j, i]  # loaded unconditionally: see tridiagonal.eliminate_row
    below = previous if k > 0 else 0.0
    w[k, j, i] = below - maskW[k, j, i] * dzt[k] * div


@column_kernel(radius=1, sweeps=(vertical_velocity_sweep,))
def vertical_velocity(j, i, u, v, maskW, dxt, dyt, dzt, cost, cosu, w):
    """w at the top of cell k: w_k = w_{k-1} - dzt_k (d_x u + d_y(cos v)/cos) [m s-1],
    integrated up from w = 0 at the bottom."""
    nz = u.shape[0]
    acc = 0.0
    for k in range(nz):
        div = horizontal_divergence(u, v, k, j, i, dxt, dyt, cost, cosu)
        acc -= maskW[k, j, i] * dzt[k] * div
        w[k, j, i] = acc


@kernel(radius=0)
def vertical_mixing_coefficients(
    k, j, i, nsqr, maskW, kappaM_0, kappaH_0, kappaH_conv, convective, kappaM, kappaH
):  # fmt: skip
    """kappaM = kappaM_0; kappaH = kappaH_conv where N^2 < 0 (convective mixing), else
    kappaH_0 [m2 s-1], at W points."""
    kappaM[k, j, i] = kappaM_0 * maskW[k, j, i]
    kh = kappaH_0
    if convective and nsqr[k, j, i] < 0.0:
        kh = kappaH_conv
    kappaH[k, j, i] = kh * maskW[k, j, i]


@kernel(radius=0)
def courant_number(k, j, i, u, v, w, dxt, dyt, dzt, cost, cosu, dt, out):
    """Largest advective Courant number |u| dt/dx, |v| dt/dy, |w| dt/dz at the cell's faces."""
    cx = abs(u[k, j, i]) * dt / (cost[j] * dxt[i])
    cy = abs(v[k, j, i]) * cosu[j] * dt / (cost[j] * dyt[j])
    cz = abs(w[k, j, i]) * dt / dzt[k]
    out[k, j, i] = max(cx, max(cy, cz))


# -- adjoints ------------------------------------------------------------------------------
@adjoint_of(vertical_velocity, reads=("u", "v"), writes=("w",))
@column_kernel(radius=1)
def vertical_velocity_adj(j, i, maskW, dxt, dyt, dzt, cost, cosu, u_adj, v_adj, w_adj, fbox):
    """Adjoint of w from continuity: the divergence at level k of a column has the adjoint
    -maskW_k dzt_k sum_{k' >= k} w_adj[k'] (the upward integral reversed); u and v of this
    column gather it from the columns whose divergence they enter: this one (u, v as the
    east and north faces) and the east (u) and north (v) neighbours (as their west and
    south faces)."""
    nz = u_adj.shape[0]
    here = in_box2(j, i, fbox)
    east = in_box2(j, i + 1, fbox)
    north = in_box2(j + 1, i, fbox)
    sum_here = 0.0
    sum_east = 0.0
    sum_north = 0.0
    for k in range(nz - 1, -1, -1):
        gu = 0.0
        gv = 0.0
        if here:
            sum_here += w_adj[k, j, i]
            d = maskW[k, j, i] * dzt[k] * sum_here / cost[j]
            gu -= d / dxt[i]
            gv -= d * cosu[j] / dyt[j]
        if east:
            sum_east += w_adj[k, j, i + 1]
            gu += maskW[k, j, i + 1] * dzt[k] * sum_east / (cost[j] * dxt[i + 1])
        if north:
            sum_north += w_adj[k, j + 1, i]
            gv += maskW[k, j + 1, i] * dzt[k] * sum_north * cosu[j] / (cost[j + 1] * dyt[j + 1])
        u_adj[k, j, i] += gu
        v_adj[k, j, i] += gv


@adjoint_of(
    vertical_mixing_coefficients,
    writes=("kappaM", "kappaH"),
    scalars=("kappaM_0", "kappaH_0", "kappaH_conv"),
)
@kernel(radius=0)
def vertical_mixing_coefficients_adj(
    k, j, i, nsqr, maskW, convective, kappaM_0_adj, kappaH_0_adj, kappaH_conv_adj, kappaM_adj,
    kappaH_adj, fbox,
):  # fmt: skip
    """Adjoint with respect to the scalars kappaM_0, kappaH_0 and kappaH_conv (each cell's
    contribution: maskW times the adjoint of kappaM, or of kappaH where that scalar was
    chosen). N^2 is not differentiated: kappaH is piecewise constant in it (the convective
    switch at N^2 < 0), so its derivative is 0 almost everywhere, and the subgradient 0 is
    taken at N^2 = 0."""
    if not in_box(k, j, i, fbox):
        return
    kappaM_0_adj[k, j, i] += maskW[k, j, i] * kappaM_adj[k, j, i]
    gh = maskW[k, j, i] * kappaH_adj[k, j, i]
    if convective and nsqr[k, j, i] < 0.0:
        kappaH_conv_adj[k, j, i] += gh
    else:
        kappaH_0_adj[k, j, i] += gh

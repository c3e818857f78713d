"""Pressure: hydrostatic pressure, Adams-Bashforth momentum step and the surface-pressure
(external mode) equation of the pyOM2/Veros pressure method.

Surface pressure psi [m2 s-2] (pressure / rho_0) solves, at wet surface T cells,

    (1/cos^2) d_x(H d_x psi) + (1/cos) d_y(cos H d_y psi) - eps psi/(g dt_mom dt_tracer)
        = div(H u*)/dt_mom - eps psi_old/(g dt_mom dt_tracer)

with eps = 1 for the implicit free surface and 0 for the rigid lid. Multiplied by the cell
area the operator is symmetric; we solve with its negative, which is positive definite.
"""

from .core import adjoint_of, column_kernel, in_box, in_box2, kernel


@kernel(radius=0, sweep=-1)
def hydrostatic_pressure_sweep(k, j, i, rho, maskT, dzw, grav, rho_0, p_hydro):
    """:func:`hydrostatic_pressure` at level k of a sweep down the columns."""
    top = rho.shape[0] - 1
    above = min(k + 1, top)
    surface = 0.5 * rho[top, j, i] * grav / rho_0 * dzw[top] * maskT[top, j, i]
    layer = 0.5 * (rho[above, j, i] + rho[k, j, i]) * grav / rho_0 * dzw[k]
    deeper = maskT[k, j, i] * (p_hydro[above, j, i] + layer)
    p_hydro[k, j, i] = surface if k == top else deeper


@column_kernel(radius=0, sweeps=(hydrostatic_pressure_sweep,))
def hydrostatic_pressure(j, i, rho, maskT, dzw, grav, rho_0, p_hydro):
    """p[k] = p[k+1] + g/rho_0 (rho[k]+rho[k+1])/2 dzw[k], p[top] = g/rho_0 rho dzw/2 [m2 s-2]."""
    nz = rho.shape[0]
    top = nz - 1
    p = 0.5 * rho[top, j, i] * grav / rho_0 * dzw[top] * maskT[top, j, i]
    p_hydro[top, j, i] = p
    for k in range(top - 1, -1, -1):
        p = maskT[k, j, i] * (p + 0.5 * (rho[k + 1, j, i] + rho[k, j, i]) * grav / rho_0 * dzw[k])
        p_hydro[k, j, i] = p


@kernel(radius=0)
def momentum_ab_step(
    k, j, i, u, v, du, dv, du_old, dv_old, du_mix, dv_mix, maskU, maskV, dt, ab_new, ab_old,
    u_new, v_new,
):  # fmt: skip
    """u* = u + dt (du_mix + (3/2+eps) du - (1/2+eps) du_old) [m s-1] (AB2; friction forward)."""
    u_new[k, j, i] = maskU[k, j, i] * (
        u[k, j, i] + dt * (du_mix[k, j, i] + ab_new * du[k, j, i] - ab_old * du_old[k, j, i])
    )
    v_new[k, j, i] = maskV[k, j, i] * (
        v[k, j, i] + dt * (dv_mix[k, j, i] + ab_new * dv[k, j, i] - ab_old * dv_old[k, j, i])
    )


@column_kernel(radius=1)
def surface_pressure_rhs(
    j, i, u, v, maskU, maskV, maskT, psi, dxt, dyt, dzt, cost, cosu, area_t, dt_mom, fs_coef,
    rhs, guess, psi_old, first_guess,
):  # fmt: skip
    """rhs = area_t [div(H u*)/dt_mom - fs psi/(g dt dt)] in the negated (SPD) form [m4 s-2 ...],
    and the first guess 2 psi - psi_old (or psi on the first step)."""
    nz = u.shape[0]
    ue = 0.0
    uw = 0.0
    vn = 0.0
    vs = 0.0
    for k in range(nz):
        ue += u[k, j, i] * maskU[k, j, i] * dzt[k]
        uw += u[k, j, i - 1] * maskU[k, j, i - 1] * dzt[k]
        vn += v[k, j, i] * maskV[k, j, i] * dzt[k]
        vs += v[k, j - 1, i] * maskV[k, j - 1, i] * dzt[k]
    mt = maskT[nz - 1, j, i]
    div = (ue - uw) / (cost[j] * dxt[i]) + (cosu[j] * vn - cosu[j - 1] * vs) / (cost[j] * dyt[j])
    rhs[j, i] = -mt * (area_t[j, i] * div / dt_mom - fs_coef[j, i] * psi[j, i])
    if first_guess:
        guess[j, i] = mt * psi[j, i]
    else:
        guess[j, i] = mt * (2.0 * psi[j, i] - psi_old[j, i])


@kernel(radius=1)
def surface_pressure_operator(k, j, i, p, coef_e, coef_n, fs_coef, out):
    """out = -area_t A p: sum_nb c (p - p_nb) + fs p, with couplings c = H dy/(dx cos) (east)
    and H cos dx/dy (north), zero across coasts, fs = area_t/(g dt_mom dt_tracer)."""
    pc = p[k, j, i]
    out[k, j, i] = (
        coef_e[j, i] * (pc - p[k, j, i + 1])
        + coef_e[j, i - 1] * (pc - p[k, j, i - 1])
        + coef_n[j, i] * (pc - p[k, j + 1, i])
        + coef_n[j - 1, i] * (pc - p[k, j - 1, i])
        + fs_coef[j, i] * pc
    )


@kernel(radius=0)
def cg_step(k, j, i, x, r, p, ap, alpha, inv_diag, z):
    """x += alpha p; r -= alpha A p; z = M^-1 r (Jacobi)."""
    x[k, j, i] += alpha * p[k, j, i]
    r[k, j, i] -= alpha * ap[k, j, i]
    z[k, j, i] = inv_diag[j, i] * r[k, j, i]


@kernel(radius=0)
def cg_residual(k, j, i, b, ap, inv_diag, r, z):
    """r = b - A x (with ap = A x); z = M^-1 r."""
    r[k, j, i] = b[k, j, i] - ap[k, j, i]
    z[k, j, i] = inv_diag[j, i] * r[k, j, i]


@kernel(radius=0)
def cg_direction(k, j, i, z, beta, p):
    """p = z + beta p."""
    p[k, j, i] = z[k, j, i] + beta * p[k, j, i]


@kernel(radius=1)
def surface_pressure_correction(k, j, i, psi, maskU, maskV, dxu, dyu, cost, dt, u, v):
    """u -= dt dpsi/dx, v -= dt dpsi/dy [m s-1] (the external-mode pressure gradient)."""
    u[k, j, i] -= dt * maskU[k, j, i] * (psi[j, i + 1] - psi[j, i]) / (cost[j] * dxu[i])
    v[k, j, i] -= dt * maskV[k, j, i] * (psi[j + 1, i] - psi[j, i]) / dyu[j]


@kernel(radius=0)
def subtract_constant(k, j, i, x, c, maskT):
    """x -= c at wet surface cells (2-D x seen as one level)."""
    x[k, j, i] = (x[k, j, i] - c) * maskT[maskT.shape[0] - 1, j, i]


# -- adjoints ------------------------------------------------------------------------------
@adjoint_of(
    momentum_ab_step,
    reads=("u", "v", "du", "dv", "du_old", "dv_old", "du_mix", "dv_mix"),
    writes=("u_new", "v_new"),
)
@kernel(radius=0)
def momentum_ab_step_adj(
    k, j, i, maskU, maskV, dt, ab_new, ab_old, u_adj, v_adj, du_adj, dv_adj, du_old_adj,
    dv_old_adj, du_mix_adj, dv_mix_adj, u_new_adj, v_new_adj, fbox,
):  # fmt: skip
    """Adjoint of the AB2 momentum predictor (linear, cell by cell)."""
    if not in_box(k, j, i, fbox):
        return
    gu = maskU[k, j, i] * u_new_adj[k, j, i]
    gv = maskV[k, j, i] * v_new_adj[k, j, i]
    u_adj[k, j, i] += gu
    v_adj[k, j, i] += gv
    du_mix_adj[k, j, i] += dt * gu
    dv_mix_adj[k, j, i] += dt * gv
    du_adj[k, j, i] += dt * ab_new * gu
    dv_adj[k, j, i] += dt * ab_new * gv
    du_old_adj[k, j, i] -= dt * ab_old * gu
    dv_old_adj[k, j, i] -= dt * ab_old * gv


@adjoint_of(surface_pressure_correction, reads=("psi",), updates=("u", "v"))
@column_kernel(radius=1)
def surface_pressure_correction_adj(
    j, i, maskU, maskV, dxu, dyu, cost, dt, psi_adj, u_adj, v_adj, fbox,
):  # fmt: skip
    """Adjoint of u -= dt dpsi/dx, v -= dt dpsi/dy: psi gathers the velocity adjoints of
    the faces on its four sides over the column (u and v pass through unchanged)."""
    total = 0.0
    for k in range(fbox[0], fbox[1]):
        if in_box(k, j, i, fbox):
            total += dt * maskU[k, j, i] * u_adj[k, j, i] / (cost[j] * dxu[i])
            total += dt * maskV[k, j, i] * v_adj[k, j, i] / dyu[j]
        if in_box(k, j, i - 1, fbox):
            total -= dt * maskU[k, j, i - 1] * u_adj[k, j, i - 1] / (cost[j] * dxu[i - 1])
        if in_box(k, j - 1, i, fbox):
            total -= dt * maskV[k, j - 1, i] * v_adj[k, j - 1, i] / dyu[j - 1]
    psi_adj[j, i] += total


@adjoint_of(hydrostatic_pressure, reads=("rho",), writes=("p_hydro",))
@column_kernel(radius=0)
def hydrostatic_pressure_adj(j, i, maskT, dzw, grav, rho_0, rho_adj, p_hydro_adj, fbox):
    """Adjoint of the downward integral of the hydrostatic pressure: the adjoint of p_k
    (its own plus maskT_k times that of p_{k-1}, an upward integral) goes to rho_k and
    rho_{k+1}, each with weight g/rho_0 dzw_k/2."""
    if not in_box2(j, i, fbox):
        return
    top = rho_adj.shape[0] - 1
    pb = 0.0  # adjoint of p_k, masked: what p_{k+1} receives
    for k in range(top):
        pb = maskT[k, j, i] * (pb + p_hydro_adj[k, j, i])
        q = 0.5 * grav / rho_0 * dzw[k] * pb
        rho_adj[k, j, i] += q
        rho_adj[k + 1, j, i] += q
    pb += p_hydro_adj[top, j, i]
    rho_adj[top, j, i] += 0.5 * grav / rho_0 * dzw[top] * maskT[top, j, i] * pb


@adjoint_of(surface_pressure_rhs, reads=("u", "v", "psi", "psi_old"), writes=("rhs", "guess"))
@column_kernel(radius=1)
def surface_pressure_rhs_adj(
    j, i, maskU, maskV, maskT, dxt, dyt, dzt, cost, cosu, area_t, dt_mom, fs_coef,
    first_guess, u_adj, v_adj, psi_adj, psi_old_adj, rhs_adj, guess_adj, fbox,
):  # fmt: skip
    """Adjoint of the surface-pressure right-hand side and first guess: u and v of this
    column gather the adjoint of the divergence (-maskT area_t/dt_mom rhs_adj) of this
    column and of its east (u) or north (v) neighbour, weighted by their layer thicknesses;
    psi gets maskT (fs_coef rhs_adj + 2 guess_adj), psi_old -maskT guess_adj (with
    ``first_guess``: psi gets maskT (fs_coef rhs_adj + guess_adj), psi_old nothing)."""
    top = maskT.shape[0] - 1
    gu = 0.0  # adjoint of the column's transports sum_k u dzt (east face), v (north face)
    gv = 0.0
    if in_box2(j, i, fbox):
        mt = maskT[top, j, i]
        a = -mt * area_t[j, i] / dt_mom * rhs_adj[j, i] / cost[j]
        gu += a / dxt[i]
        gv += a * cosu[j] / dyt[j]
        if first_guess:
            psi_adj[j, i] += mt * (fs_coef[j, i] * rhs_adj[j, i] + guess_adj[j, i])
        else:
            psi_adj[j, i] += mt * (fs_coef[j, i] * rhs_adj[j, i] + 2.0 * guess_adj[j, i])
            psi_old_adj[j, i] -= mt * guess_adj[j, i]
    if in_box2(j, i + 1, fbox):
        a = -maskT[top, j, i + 1] * area_t[j, i + 1] / dt_mom * rhs_adj[j, i + 1]
        gu -= a / (cost[j] * dxt[i + 1])
    if in_box2(j + 1, i, fbox):
        a = -maskT[top, j + 1, i] * area_t[j + 1, i] / dt_mom * rhs_adj[j + 1, i]
        gv -= a * cosu[j] / (cost[j + 1] * dyt[j + 1])
    for k in range(top + 1):
        u_adj[k, j, i] += maskU[k, j, i] * dzt[k] * gu
        v_adj[k, j, i] += maskV[k, j, i] * dzt[k] * gv


@adjoint_of(surface_pressure_operator, reads=("p",), writes=("out",))
@kernel(radius=1)
def surface_pressure_operator_adj(k, j, i, coef_e, coef_n, fs_coef, p_adj, out_adj, fbox):
    """Adjoint of out = N p: the operator is symmetric, so p_adj gathers N applied to
    out_adj taken as 0 outside the forward box (on and around the box, N's own stencil)."""
    g = 0.0
    if in_box(k, j, i, fbox):
        diag = coef_e[j, i] + coef_e[j, i - 1] + coef_n[j, i] + coef_n[j - 1, i] + fs_coef[j, i]
        g += diag * out_adj[k, j, i]
    if in_box(k, j, i + 1, fbox):
        g -= coef_e[j, i] * out_adj[k, j, i + 1]
    if in_box(k, j, i - 1, fbox):
        g -= coef_e[j, i - 1] * out_adj[k, j, i - 1]
    if in_box(k, j + 1, i, fbox):
        g -= coef_n[j, i] * out_adj[k, j + 1, i]
    if in_box(k, j - 1, i, fbox):
        g -= coef_n[j - 1, i] * out_adj[k, j - 1, i]
    p_adj[k, j, i] += g


@adjoint_of(subtract_constant, updates=("x",), scalars=("c",))
@kernel(radius=0)
def subtract_constant_adj(k, j, i, maskT, x_adj, c_adj, fbox):
    """Adjoint of x = (x - c) maskT_top: x_adj is masked in place, and each cell
    contributes -maskT_top x_adj to c's adjoint."""
    if not in_box(k, j, i, fbox):
        return
    g = maskT[maskT.shape[0] - 1, j, i] * x_adj[k, j, i]
    c_adj[k, j, i] -= g
    x_adj[k, j, i] = g

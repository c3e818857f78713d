"""Implicit vertical viscosity (pyOM2/Veros): du_mix = (A(kappaM)^-1 u - u)/dt per column,
with A the backward-Euler vertical diffusion of momentum [m s-2]; and its adjoint."""

from .core import adjoint_of, column_kernel, in_box2, kernel, stencil
from .tridiagonal import eliminate_diffusion_row, solve_column, solve_column_transposed


@stencil
def face_delta(k, j, i, j2, i2, kappaM, mask, dzw, dt):
    """dt kappa / dzw [m] at the W face above level k of the velocity column between T
    columns (j, i) and (j2, i2) (kappaM averaged); 0 unless both levels are wet."""
    face = 0.5 * (kappaM[k, j, i] + kappaM[k, j2, i2])
    return dt / dzw[k] * face * mask[k + 1, j, i] * mask[k, j, i]


@stencil
def eliminate_friction_level(k, j, i, j2, i2, kb, vel, kappaM, mask, dzt, dzw, dt, work, mix):
    """Forward elimination at level k of one velocity column's implicit friction
    (:func:`implicit_vertical_friction`, deepest wet level kb - 1): the faces' deltas
    (:func:`face_delta`) inline, the eliminated right-hand side into ``mix``."""
    top = vel.shape[0] - 1
    # loads unconditional, values selected (see tridiagonal.eliminate_row)
    face = max(min(k, top - 1), 0)  # the face above k, in bounds (unused at the top)
    delta_above = face_delta(face, j, i, j2, i2, kappaM, mask, dzw, dt)
    delta_below = face_delta(max(k - 1, 0), j, i, j2, i2, kappaM, mask, dzw, dt)
    eliminate_diffusion_row(k, kb - 1, j, i, delta_above, delta_below, dzt, vel[k, j, i], work, mix)


@stencil
def substitute_friction_level(k, j, i, kb, vel, dt, work, mix):
    """Back substitution at level k of one velocity column, and its tendency
    (x - vel)/dt into ``mix`` (0 on dry levels). ``work[k]`` holds the modified upper
    diagonal and is overwritten by x_k, which the level below reads."""
    top = vel.shape[0] - 1
    wet = (kb > 0) & (k >= kb - 1)
    above = work[min(k + 1, top), j, i]  # x_k+1, left there one level up
    here = mix[k, j, i]  # loads unconditional: see tridiagonal.eliminate_row
    factor = work[k, j, i]
    x = here - factor * above if k < top else here
    work[k, j, i] = x
    mix[k, j, i] = (x - vel[k, j, i]) / dt if wet else 0.0


@kernel(radius=1, sweep=1)
def friction_eliminate(
    k, j, i, u, v, kappaM, kbot, maskU, maskV, dzt, dzw, dt, work_u, work_v, du_mix, dv_mix
):  # fmt: skip
    """Forward elimination, at level k of a sweep up the columns, of
    :func:`implicit_vertical_friction`'s solves for u and v."""
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    eliminate_friction_level(k, j, i, j, i + 1, ku, u, kappaM, maskU, dzt, dzw, dt, work_u, du_mix)
    eliminate_friction_level(k, j, i, j + 1, i, kv, v, kappaM, maskV, dzt, dzw, dt, work_v, dv_mix)


@kernel(radius=1, sweep=-1)
def friction_back_substitute(
    k, j, i, u, v, kappaM, kbot, maskU, maskV, dzt, dzw, dt, work_u, work_v, du_mix, dv_mix
):  # fmt: skip
    """Back substitution, at level k of a sweep down the columns, after
    :func:`friction_eliminate`, giving du_mix and dv_mix."""
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    substitute_friction_level(k, j, i, ku, u, dt, work_u, du_mix)
    substitute_friction_level(k, j, i, kv, v, dt, work_v, dv_mix)


@column_kernel(radius=1, sweeps=(friction_eliminate, friction_back_substitute))
def implicit_vertical_friction(
    j, i, u, v, kappaM, kbot, maskU, maskV, dzt, dzw, dt, work_u, work_v, du_mix, dv_mix
):
    """du_mix = (u* - u)/dt with (1 - dt d/dz kappaM d/dz) u* = u, zero stress at the top
    and bottom, kappaM [m2 s-1] averaged from W points to the U (V) column. Launched as
    its two sweeps (``friction_eliminate``, ``friction_back_substitute``)."""
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

"""Tracer time step: Adams-Bashforth advection, explicit lateral diffusion and sponge, then
implicit vertical diffusion with surface restoring and flux forcing (pyOM2/Veros order)."""

from .core import adjoint_of, column_kernel, in_box, in_box2, kernel, stencil
from .tridiagonal import eliminate_diffusion_row, solve_column, substitute_level


@stencil
def lateral_diffusion(k, j, i, t, maskU, maskV, maskT, dxt, dxu, dyt, dyu, cost, cosu, K_h):
    """div(K_h grad T) at T [tracer s-1], fluxes masked at coasts (no flux)."""
    fe = K_h * (t[k, j, i + 1] - t[k, j, i]) / (cost[j] * dxu[i]) * maskU[k, j, i]
    fw = K_h * (t[k, j, i] - t[k, j, i - 1]) / (cost[j] * dxu[i - 1]) * maskU[k, j, i - 1]
    fn = K_h * (t[k, j + 1, i] - t[k, j, i]) / dyu[j] * maskV[k, j, i] * cosu[j]
    fs = K_h * (t[k, j, i] - t[k, j - 1, i]) / dyu[j - 1] * maskV[k, j - 1, i] * cosu[j - 1]
    return maskT[k, j, i] * ((fe - fw) / (cost[j] * dxt[i]) + (fn - fs) / (cost[j] * dyt[j]))


@kernel(radius=1, static=("sponge",))
def tracer_explicit_step(
    k, j, i, t, dt_adv, dt_adv_old, maskT, maskU, maskV, dxt, dxu, dyt, dyu, cost, cosu,
    K_h, dt, ab_new, ab_old, sponge, sponge_rate, sponge_target, t_new,
):  # fmt: skip
    """T* = T + dt [(3/2+eps) G - (1/2+eps) G_old + div(K_h grad T) + r (T_s - T)].

    G is the advective tendency; diffusion and the sponge (rate r [s-1], target T_s) are
    forward Euler from T at tau.
    """
    tc = t[k, j, i]
    g = ab_new * dt_adv[k, j, i] - ab_old * dt_adv_old[k, j, i]
    if K_h > 0.0:
        g += lateral_diffusion(k, j, i, t, maskU, maskV, maskT, dxt, dxu, dyt, dyu, cost, cosu, K_h)
    if sponge:
        g += sponge_rate[k, j, i] * (sponge_target[k, j, i] - tc)
    t_new[k, j, i] = maskT[k, j, i] * (tc + dt * g)


@kernel(radius=0, sweep=1)
def tracer_mixing_eliminate(
    k, j, i, t, kappaH, kbot, dzt, dzw, dt, rate, target, flux, work, t_new
):  # fmt: skip
    """Forward elimination, at level k of a sweep up the columns, of
    :func:`tracer_vertical_mixing`'s solve: delta = dt kappaH / dzw [m] on the faces, the
    surface flux added to the top row's right-hand side (``tridiagonal.eliminate_diffusion_row``;
    land columns keep T*)."""
    top = t.shape[0] - 1
    below = max(k - 1, 0)  # loads unconditional: see tridiagonal.eliminate_row
    delta_above = dt / dzw[k] * kappaH[k, j, i]
    delta_below = dt / dzw[below] * kappaH[below, j, i]
    q = rate[j, i] * (target[j, i] - t[top, j, i]) + flux[j, i]
    here = t_new[k, j, i]
    rhs = here + dt * q / dzt[top] if k == top else here
    eliminate_diffusion_row(
        k, kbot[j, i] - 1, j, i, delta_above, delta_below, dzt, rhs, work, t_new
    )


@kernel(radius=0, sweep=-1)
def tracer_mixing_back_substitute(
    k, j, i, t, kappaH, kbot, dzt, dzw, dt, rate, target, flux, work, t_new
):  # fmt: skip
    """Back substitution, at level k of a sweep down the columns, after
    :func:`tracer_mixing_eliminate` (``tridiagonal.substitute_level``)."""
    substitute_level(k, j, i, kbot, work, t_new)


@column_kernel(radius=0, sweeps=(tracer_mixing_eliminate, tracer_mixing_back_substitute))
def tracer_vertical_mixing(
    j, i, t, kappaH, kbot, dzt, dzw, dt, rate, target, flux, work, t_new
):  # fmt: skip
    """Backward-Euler vertical diffusion of T* in place, with the surface flux
    Q = rate (target - T_top) + flux [tracer m s-1] (T_top at tau) added to the top cell.
    Launched as its two sweeps (``tracer_mixing_eliminate``, ``..._back_substitute``)."""
    nz = t.shape[0]
    kb = kbot[j, i]
    if kb == 0:
        return
    top = nz - 1
    for k in range(nz - 1):
        work[k, j, i] = dt / dzw[k] * kappaH[k, j, i]
    q = rate[j, i] * (target[j, i] - t[top, j, i]) + flux[j, i]
    t_new[top, j, i] += dt * q / dzt[top]
    solve_column(j, i, kb - 1, nz, dzt, t_new, work, t_new)


# -- adjoints ------------------------------------------------------------------------------
@adjoint_of(
    tracer_explicit_step,
    reads=("t", "dt_adv", "dt_adv_old", "sponge_rate", "sponge_target"),
    writes=("t_new",),
    scalars=("K_h",),
)
@kernel(radius=1)
def tracer_explicit_step_adj_local(
    k, j, i, t, maskT, dt, ab_new, ab_old, sponge, sponge_rate, sponge_target, t_adj,
    dt_adv_adj, dt_adv_old_adj, sponge_rate_adj, sponge_target_adj, t_new_adj, fbox,
):  # fmt: skip
    """Adjoint of T* = maskT (T + dt G) without the diffusion: with b = maskT T*_adj, T
    gets b (1 - dt r), the tendencies dt ab_new b and -dt ab_old b, and with the sponge
    its rate dt (T_s - T) b and its target dt r b."""
    if not in_box(k, j, i, fbox):
        return
    b = maskT[k, j, i] * t_new_adj[k, j, i]
    t_adj[k, j, i] += b
    dt_adv_adj[k, j, i] += dt * ab_new * b
    dt_adv_old_adj[k, j, i] -= dt * ab_old * b
    if sponge:
        rate = sponge_rate[k, j, i]
        t_adj[k, j, i] -= dt * rate * b
        sponge_rate_adj[k, j, i] += dt * (sponge_target[k, j, i] - t[k, j, i]) * b
        sponge_target_adj[k, j, i] += dt * rate * b


@stencil
def diffusion_face_adj(k, j, i, maskT, dxt, dyt, cost, dt, t_new_adj, fbox, dj, di):
    """dJ/dF for the diffusive flux per unit K_h through the east (di = 1) or north (dj = 1)
    face of cell (j, i): it enters this cell's tendency and leaves its neighbour's."""
    g = 0.0
    if in_box(k, j, i, fbox):
        m = maskT[k, j, i]  # twice: the tendency's mask and T*'s
        g += dt * m * m * t_new_adj[k, j, i] / (cost[j] * (dxt[i] if di == 1 else dyt[j]))
    jn = j + dj
    i_n = i + di
    if in_box(k, jn, i_n, fbox):
        m = maskT[k, jn, i_n]
        area = cost[jn] * (dxt[i_n] if di == 1 else dyt[jn])
        g -= dt * m * m * t_new_adj[k, jn, i_n] / area
    return g


@stencil
def diffusion_east_adj(k, j, i, maskT, maskU, dxt, dxu, dyt, cost, dt, t_new_adj, fbox):
    """dJ/dF times dF/dT_east for the east face of cell (j, i), F = (T_east - T) maskU /
    (cos dxu) per unit K_h; 0 when neither of its cells is in the forward box."""
    if not (in_box(k, j, i, fbox) | in_box(k, j, i + 1, fbox)):
        return 0.0
    g = diffusion_face_adj(k, j, i, maskT, dxt, dyt, cost, dt, t_new_adj, fbox, 0, 1)
    return g * maskU[k, j, i] / (cost[j] * dxu[i])


@stencil
def diffusion_north_adj(k, j, i, maskT, maskV, dxt, dyt, dyu, cost, cosu, dt, t_new_adj, fbox):
    """As :func:`diffusion_east_adj` for the north face, F = (T_north - T) maskV cosu / dyu."""
    if not (in_box(k, j, i, fbox) | in_box(k, j + 1, i, fbox)):
        return 0.0
    g = diffusion_face_adj(k, j, i, maskT, dxt, dyt, cost, dt, t_new_adj, fbox, 1, 0)
    return g * maskV[k, j, i] * cosu[j] / dyu[j]


@adjoint_of(tracer_explicit_step)
@kernel(radius=1)
def tracer_explicit_step_adj_diffusion(
    k, j, i, t, maskT, maskU, maskV, dxt, dxu, dyt, dyu, cost, cosu, K_h, dt, t_adj,
    t_new_adj, K_h_adj, fbox,
):  # fmt: skip
    """Adjoint of dt div(K_h grad T): T of this cell gathers K_h dJ/dF dF/dT from its four
    faces, and each cell of the forward box gives K_h dt maskT T*_adj div(grad T) (the
    diffusion at K_h = 1). Nothing for K_h <= 0, where the forward skips the diffusion: at
    K_h = 0 the subgradient taken is 0 (the left derivative)."""
    if not K_h > 0.0:
        return
    east = diffusion_east_adj(k, j, i, maskT, maskU, dxt, dxu, dyt, cost, dt, t_new_adj, fbox)
    west = diffusion_east_adj(k, j, i - 1, maskT, maskU, dxt, dxu, dyt, cost, dt, t_new_adj, fbox)
    north = diffusion_north_adj(
        k, j, i, maskT, maskV, dxt, dyt, dyu, cost, cosu, dt, t_new_adj, fbox
    )
    south = diffusion_north_adj(
        k, j - 1, i, maskT, maskV, dxt, dyt, dyu, cost, cosu, dt, t_new_adj, fbox
    )
    t_adj[k, j, i] += K_h * (west - east + south - north)
    if in_box(k, j, i, fbox):
        d = lateral_diffusion(k, j, i, t, maskU, maskV, maskT, dxt, dxu, dyt, dyu, cost, cosu, 1.0)
        K_h_adj[k, j, i] += dt * maskT[k, j, i] * t_new_adj[k, j, i] * d


@stencil
def mixing_delta(k, j, i, nz, dt, dzw, kappaH):
    """delta_k = dt kappaH_k / dzw_k [m] at the W face above level k (0 at the surface), as
    :func:`tracer_vertical_mixing` puts it in ``work``."""
    if k < nz - 1:
        return dt / dzw[k] * kappaH[k, j, i]
    return 0.0


@stencil(inline=False)
def mixing_adjoint_column(j, i, k0, nz, dt, dzt, dzw, kappaH, forcing, x, work, lam, kappaH_adj):
    """Adjoint of y = A^-1 r on levels k0..nz-1 of a column (A as in kernels/tridiagonal.py,
    r = x plus ``forcing`` at the top), in place: ``lam`` holds ybar on entry and
    lam = A^-T ybar on exit; returns lam at the top. kappaH_adj gets, at each inner face,
    -dt/dzw_k (y_k - y_k+1)(mu_k - mu_k+1), mu = lam/dz (the derivative of -lam^T A y).

    dz A is symmetric, so A^-T = dz A^-1 dz^-1: mu solves A mu = ybar/dz with the Thomas
    factors of A (kept in ``work``). y is recomputed: its eliminated right-hand side at
    level k is rebuilt from k0 up at each level of the downward pass (O(nz^2) per column,
    since the two columns of storage, ``work`` and ``lam``, hold the factors and mu).
    """
    top = nz - 1
    prev = 0.0
    for k in range(k0, nz):  # elimination, as solve_column, on ybar / dz
        up = mixing_delta(k, j, i, nz, dt, dzw, kappaH)
        a = -prev / dzt[k]
        c = -up / dzt[k]
        b = 1.0 - a - c
        s = lam[k, j, i] / dzt[k]
        if k == k0:
            denom = b
            lam[k, j, i] = s / denom
        else:
            denom = b - a * work[k - 1, j, i]
            lam[k, j, i] = (s - a * lam[k - 1, j, i]) / denom
        work[k, j, i] = c / denom
        prev = up
    y_up = 0.0
    mu_up = 0.0
    for k in range(top, k0 - 1, -1):  # back substitution of mu and of the recomputed y
        dp = 0.0
        prev = 0.0
        for m in range(k0, k + 1):
            up = mixing_delta(m, j, i, nz, dt, dzw, kappaH)
            a = -prev / dzt[m]
            b = 1.0 - a + up / dzt[m]
            r = x[m, j, i] + forcing if m == top else x[m, j, i]
            if m == k0:
                dp = r / b
            else:
                dp = (r - a * dp) / (b - a * work[m - 1, j, i])
            prev = up
        if k == top:
            y = dp
            mu = lam[k, j, i]
        else:
            y = dp - work[k, j, i] * y_up
            mu = lam[k, j, i] - work[k, j, i] * mu_up
            kappaH_adj[k, j, i] -= dt / dzw[k] * (y - y_up) * (mu - mu_up)
            lam[k + 1, j, i] = dzt[k + 1] * mu_up
        y_up = y
        mu_up = mu
    lam[k0, j, i] = dzt[k0] * mu_up
    return lam[top, j, i]


@adjoint_of(
    tracer_vertical_mixing,
    reads=("t", "kappaH", "rate", "target", "flux"),
    updates=("t_new",),
    scratch=("work",),
)
@column_kernel(radius=0)
def tracer_vertical_mixing_adj(
    j, i, t, kappaH, kbot, dzt, dzw, dt, rate, target, flux, work, t_new, t_adj,
    kappaH_adj, rate_adj, target_adj, flux_adj, t_new_adj, fbox,
):  # fmt: skip
    """Adjoint of the implicit vertical diffusion with surface forcing: T*_adj becomes
    A^-T T*_adj on the wet levels (see :func:`mixing_adjoint_column`, which also gives
    kappaH's adjoint; ``work`` is overwritten); the surface flux Q gets dt/dz_top times the
    top value, and passes it to the flux (1), the rate (target - T_top), the target (rate)
    and T_top (-rate). Land columns (kbot = 0) pass T*_adj through."""
    if not in_box2(j, i, fbox):
        return
    kb = kbot[j, i]
    if kb == 0:
        return
    nz = t.shape[0]
    top = nz - 1
    forcing = dt * (rate[j, i] * (target[j, i] - t[top, j, i]) + flux[j, i]) / dzt[top]
    lam_top = mixing_adjoint_column(
        j, i, kb - 1, nz, dt, dzt, dzw, kappaH, forcing, t_new, work, t_new_adj, kappaH_adj
    )
    qb = dt * lam_top / dzt[top]
    flux_adj[j, i] += qb
    rate_adj[j, i] += qb * (target[j, i] - t[top, j, i])
    target_adj[j, i] += qb * rate[j, i]
    t_adj[top, j, i] -= qb * rate[j, i]

"""Tracer time step: Adams-Bashforth advection, explicit lateral diffusion and sponge, then
implicit vertical diffusion with surface restoring and flux forcing (pyOM2/Veros order)."""

from .core import column_kernel, kernel, stencil
from .tridiagonal import solve_column


@stencil
def lateral_diffusion(k, j, i, t, maskU, maskV, maskT, dxt, dxu, dyt, dyu, cost, cosu, K_h):
    """div(K_h grad T) at T [tracer s-1], fluxes masked at coasts (no flux)."""
    fe = K_h * (t[k, j, i + 1] - t[k, j, i]) / (cost[j] * dxu[i]) * maskU[k, j, i]
    fw = K_h * (t[k, j, i] - t[k, j, i - 1]) / (cost[j] * dxu[i - 1]) * maskU[k, j, i - 1]
    fn = K_h * (t[k, j + 1, i] - t[k, j, i]) / dyu[j] * maskV[k, j, i] * cosu[j]
    fs = K_h * (t[k, j, i] - t[k, j - 1, i]) / dyu[j - 1] * maskV[k, j - 1, i] * cosu[j - 1]
    return maskT[k, j, i] * ((fe - fw) / (cost[j] * dxt[i]) + (fn - fs) / (cost[j] * dyt[j]))


@kernel(radius=1)
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


@column_kernel(radius=0)
def tracer_vertical_mixing(
    j, i, t, kappaH, kbot, dzt, dzw, dt, rate, target, flux, work, t_new
):  # fmt: skip
    """Backward-Euler vertical diffusion of T* in place, with the surface flux
    Q = rate (target - T_top) + flux [tracer m s-1] (T_top at tau) added to the top cell."""
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

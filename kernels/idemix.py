"""IDEMIX 1.0 (Olbers & Eden 2013): internal gravity-wave energy E_iw [m2 s-2] at W points,
as pyOM2 and Veros discretise it.

    dE/dt = d/dz(c0 tau_v d(c0 E)/dz) + div_h(v0 tau_h grad_h(v0 E)) - alpha_c E^2 + forcing

with the vertical and horizontal group velocities c0, v0 [m s-1] and the dissipation
coefficient alpha_c [m-2 s] from the stratification and Coriolis parameter; the bottom
and surface fluxes forc_iw_bottom, forc_iw_surface [m3 s-3] enter the bottom W box and the
top half box. The dissipation alpha_c max(E^n, 0) E^{n+1} heats nothing: it feeds TKE.
"""

from math import pi, sqrt

from .core import column_kernel, kernel, stencil
from .elementary import acosh_at_least_one, asin_unit, exp_bounded, inverse_two_thirds_power
from .tridiagonal import eliminate_row


@stencil
def mode_sum_factor(x):
    """2/pi / (1 - 2/pi asin(1/x)) for x >= 1: the factor both group-velocity shapes share."""
    return 2.0 / pi / (1.0 - 2.0 / pi * asin_unit(1.0 / x))


@stencil
def vertical_shape(factor, x):
    """factor 0.9 x^(-2/3) (1 - exp(-x/4.3)) for x >= 1, with ``factor`` =
    :func:`mode_sum_factor` (exp(-x/4.3) below 1e-19 is taken at x = 189.2, where 1 - it is
    1 all the same)."""
    decay = exp_bounded(max(-x / 4.3, -44.0))
    return factor * 0.9 * inverse_two_thirds_power(x) * (1.0 - decay)


@stencil
def vertical_group_shape(x):
    """g(x) = 2/pi / (1 - 2/pi asin(1/x')) 0.9 x'^(-2/3) (1 - exp(-x'/4.3)), x' = max(3, x)."""
    xp = max(3.0, x)
    return vertical_shape(mode_sum_factor(xp), xp)


#: g(x) for every x <= 3
VERTICAL_SHAPE_BELOW_3 = vertical_group_shape(3.0)
#: N/|f| beyond this (beyond any ocean's) is taken at it (the arithmetic's range)
LARGEST_RATIO = 1e140


@stencil
def group_shapes(x):
    """(g(x), h(x)): :func:`vertical_group_shape` and h(x) = 2/pi / (1 - 2/pi asin(1/x))
    (x - 1)/(x + 1) for x > 1, else 0, with one arcsine (g is a constant below x = 3).
    Every case evaluated and one selected: no branches in the cell loop."""
    xs = min(x, LARGEST_RATIO) if x > 1.0 else 2.0  # 2: any x > 1 where h is 0
    factor = mode_sum_factor(xs)
    vertical = vertical_shape(factor, xs)
    horizontal = factor * (xs - 1.0) / (xs + 1.0)
    return (
        vertical if x >= 3.0 else VERTICAL_SHAPE_BELOW_3,
        horizontal if x > 1.0 else 0.0,
    )


@stencil
def wave_parameters(k, j, i, nsqr, maskW, coriolis_t, gamma, mu0, cstar, c0, v0, alpha_c):
    """c0, v0, alpha_c at W point (k, j, i) given the column's first-mode speed c*."""
    speed = cstar[j, i]
    f = abs(coriolis_t[j, i])
    x = sqrt(max(0.0, nsqr[k, j, i])) / (1e-22 + f)
    vertical, horizontal = group_shapes(x)
    mask = maskW[k, j, i]
    c0[k, j, i] = max(0.0, gamma * speed * vertical * mask)
    v0[k, j, i] = max(0.0, gamma * speed * horizontal * mask)
    ratio = min(max(1.0, x), LARGEST_RATIO)
    alpha = max(1e-4, mu0 * acosh_at_least_one(ratio) * f / (speed * speed))
    alpha_c[k, j, i] = alpha * mask


@stencil
def first_mode_speed_part(k, j, i, nsqr, maskW, dzw):
    """Level k's part of the integral of N dz [m s-1] in the first-mode speed c* (the top
    W box half as thick)."""
    top = nsqr.shape[0] - 1
    thickness = 0.5 * dzw[k] if k == top else dzw[k]
    return sqrt(max(0.0, nsqr[k, j, i])) * thickness * maskW[k, j, i]


@stencil
def first_mode_speed_of(integral, jstar):
    """c* = max(1e-2, int N dz / (pi jstar)) [m s-1]."""
    return max(1e-2, integral / (pi * jstar))


@kernel(radius=0, sweep=1)
def first_mode_speed(
    k, j, i, nsqr, maskW, dzw, coriolis_t, gamma, jstar, mu0, cstar, c0, v0, alpha_c
):  # fmt: skip
    """c* of :func:`idemix_parameters` at level k of a sweep up the columns: the partial
    integral kept in cstar, c* formed at the top level."""
    top = nsqr.shape[0] - 1
    previous = cstar[j, i]  # loaded unconditionally: see tridiagonal.eliminate_row
    partial = previous if k > 0 else 0.0
    partial += first_mode_speed_part(k, j, i, nsqr, maskW, dzw)
    cstar[j, i] = first_mode_speed_of(partial, jstar) if k == top else partial


@kernel(radius=0)
def wave_parameters_cells(
    k, j, i, nsqr, maskW, dzw, coriolis_t, gamma, jstar, mu0, cstar, c0, v0, alpha_c
):  # fmt: skip
    """The cells of :func:`idemix_parameters` after :func:`first_mode_speed`."""
    wave_parameters(k, j, i, nsqr, maskW, coriolis_t, gamma, mu0, cstar, c0, v0, alpha_c)


@column_kernel(radius=0, sweeps=(first_mode_speed, wave_parameters_cells))
def idemix_parameters(
    j, i, nsqr, maskW, dzw, coriolis_t, gamma, jstar, mu0, cstar, c0, v0, alpha_c
):  # fmt: skip
    """c0 = max(0, gamma c* g(N/|f|)), v0 = max(0, gamma c* h(N/|f|)) [m s-1] and alpha_c =
    max(1e-4, mu0 acosh(max(1, N/|f|)) |f| / c*^2) [m-2 s], masked, with c* = max(1e-2,
    int N dz / (pi jstar)) the first-mode speed [m s-1] (the top W box half as thick),
    also left in ``cstar``. The arcsine, power, exponential and acosh are
    ``kernels/elementary.py``'s (a few 1e-16 relative, the power 1e-13), so that the
    cells vectorise; launched as its sweep and cell forms."""
    nz = nsqr.shape[0]
    depth_integral = 0.0
    for k in range(nz):
        depth_integral += first_mode_speed_part(k, j, i, nsqr, maskW, dzw)
    cstar[j, i] = first_mode_speed_of(depth_integral, jstar)
    for k in range(nz):
        wave_parameters(k, j, i, nsqr, maskW, coriolis_t, gamma, mu0, cstar, c0, v0, alpha_c)


@kernel(radius=0, sweep=1)
def idemix_eliminate(
    k, j, i, energy, forcing, forc_iw_bottom, forc_iw_surface, c0, alpha_c, kbot, dzt, dzw,
    dt, tau_v, work, energy_new,
):  # fmt: skip
    """Forward elimination, at level k in a sweep up the columns, of the implicit vertical
    propagation and dissipation of E_iw over one tracer step (the back substitution is
    ``tridiagonal.diffusion_back_substitute``): rows a_k = -delta_{k-1} c0_{k-1}/dz_k,
    c_k = -delta_k c0_{k+1}/dz_k, b_k = 1 + (delta_k + delta_{k-1}) c0_k/dz_k + dt alpha_c
    max(E^n, 0), with delta_k = dt tau_v (c0_k + c0_{k+1})/2 / dzt_{k+1} [m] and dz the W
    box (half at the top); the bottom row has no flux below it and gains dt
    forc_iw_bottom/dzw, the top row dt forc_iw_surface / (dzw/2) (not when it is also the
    bottom row, as in Veros). ``work`` gets the modified upper diagonal; dry levels and
    land keep ``energy_new`` (stores unconditional, values selected: the row vectorises)."""
    top = energy.shape[0] - 1
    first = kbot[j, i] - 1
    wet = (first >= 0) & (k >= first)  # no short-circuit: see diffusion_eliminate
    inner = k > first
    above = min(k + 1, top)
    c0_below = c0[max(k - 1, 0), j, i]  # loads unconditional: see tridiagonal.eliminate_row
    c0_here = c0[k, j, i]
    c0_above = c0[above, j, i]
    delta_below = dt * tau_v * 0.5 * (c0_below + c0_here) / dzt[k]
    delta_below = delta_below if inner else 0.0
    delta_above = dt * tau_v * 0.5 * (c0_here + c0_above) / dzt[above]
    delta_above = delta_above if k < top else 0.0
    thickness = dzw[k] if (k < top) | (k == first) else 0.5 * dzw[k]
    lower = -delta_below * c0_below / thickness
    lower = lower if inner else 0.0
    upper = -delta_above * c0_above / thickness
    upper = upper if k < top else 0.0
    diagonal = 1.0 + (delta_above + delta_below) * c0_here / thickness
    diagonal += dt * alpha_c[k, j, i] * max(0.0, energy[k, j, i])
    rhs = energy[k, j, i] + dt * forcing[k, j, i]
    surface = rhs + dt * forc_iw_surface[j, i] / (0.5 * dzw[k]) if k == top else rhs
    rhs = rhs + dt * forc_iw_bottom[j, i] / dzw[k] if k == first else surface
    eliminate_row(k, first, j, i, wet, lower, upper, diagonal, rhs, work, energy_new)


@kernel(radius=0)
def idemix_dissipation(k, j, i, energy, alpha_c, energy_new, iw_diss):
    """iw_diss = alpha_c max(E^n, 0) E^{n+1} [m2 s-3] after the implicit step of E_iw."""
    iw_diss[k, j, i] = alpha_c[k, j, i] * max(0.0, energy[k, j, i]) * energy_new[k, j, i]


@kernel(radius=1)
def idemix_lateral_propagation(
    k, j, i, energy, v0, maskU, maskV, maskW, dxt, dxu, dyt, dyu, cost, cosu, tau_h, dt,
    energy_new,
):  # fmt: skip
    """Forward step of div_h(tau_h v0 grad_h(v0 E)) at tau: fluxes tau_h (v0_a + v0_b)/2
    (v0_b E_b - v0_a E_a) / spacing across the east (maskU) and north (maskV, cosu) faces
    [m2 s-2]."""
    vk, ek = v0[k, j, i], energy[k, j, i]
    vw, ew = v0[k, j, i - 1], energy[k, j, i - 1]
    ve, ee = v0[k, j, i + 1], energy[k, j, i + 1]
    vs, es = v0[k, j - 1, i], energy[k, j - 1, i]
    vn, en = v0[k, j + 1, i], energy[k, j + 1, i]
    east = tau_h * 0.5 * (vk + ve) * (ve * ee - vk * ek) / (cost[j] * dxu[i]) * maskU[k, j, i]
    west = (
        tau_h * 0.5 * (vw + vk) * (vk * ek - vw * ew) / (cost[j] * dxu[i - 1]) * maskU[k, j, i - 1]
    )
    north = tau_h * 0.5 * (vk + vn) * (vn * en - vk * ek) / dyu[j] * maskV[k, j, i] * cosu[j]
    south = (
        tau_h * 0.5 * (vs + vk) * (vk * ek - vs * es) / dyu[j - 1] * maskV[k, j - 1, i]
        * cosu[j - 1]
    )  # fmt: skip
    divergence = (east - west) / (cost[j] * dxt[i]) + (north - south) / (cost[j] * dyt[j])
    energy_new[k, j, i] += dt * maskW[k, j, i] * divergence

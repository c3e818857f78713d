"""Vertical velocity from continuity, and vertical mixing coefficients."""

from .core import column_kernel, kernel


@column_kernel(radius=1)
def vertical_velocity(j, i, u, v, maskW, dxt, dyt, dzt, cost, cosu, w):
    """w at the top of cell k: w_k = w_{k-1} - dzt_k (d_x u + d_y(cos v)/cos) [m s-1],
    integrated up from w = 0 at the bottom."""
    nz = u.shape[0]
    acc = 0.0
    for k in range(nz):
        div = (u[k, j, i] - u[k, j, i - 1]) / (cost[j] * dxt[i]) + (
            cosu[j] * v[k, j, i] - cosu[j - 1] * v[k, j - 1, i]
        ) / (cost[j] * dyt[j])
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

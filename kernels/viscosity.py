"""Velocity-gradient invariants on the C-grid, the divergence of a lateral stress tensor,
and the Smagorinsky and Leith eddy viscosities that use them (the Zanna-Bolton closure in
``zanna_bolton.py`` shares the invariants and the divergence).

Placement (arrays [k, j, i]): u at the east face of T cell (j, i), v at its north face,
the corner ``q`` (j, i) at its north-east corner (xu, yu). Metrics as in ``friction.py``:
dxt, dxu [m] along x (T and U spacing), dyt, dyu [m] along y, cost, cosu the cosine of
latitude at T and U rows (1 on Cartesian grids). With h1 = a cos(phi) (x) and h2 = a (y)
the invariants [s-1] are the orthogonal-curvilinear forms (MOM6 ``sh_xx``, ``sh_xy``):

- tension        D~   = u_x - v_y = (1/h1) u_lambda - cos (v / cos)_y     at T points
- shearing strain D   = u_y + v_x = cos (u / cos)_y + (1/h1) v_lambda     at corners
- vorticity      zeta = v_x - u_y = (1/h1) v_lambda - (1/cos) (cos u)_y   at corners

where ``f_y`` is (1/a) d f / d phi. A corner is wet when the 4 T cells around it are
(corner mask = product of their maskT); D and zeta are zero at other corners, so no
lateral stress acts along walls: **free slip**. Velocities are expected masked (zero on
land faces), as the model keeps them.

A lateral stress is given as its deviatoric part, sxx = -syy at T points and sxy at
corners, plus an isotropic part p at T points. Its divergence (m s-2) is

    du = (1/h1) (sxx + p)_lambda + 1/(h1^2 h2) (h1^2 sxy)_phi
    dv = (1/h1) sxy_lambda - 1/(h1^2 h2) (h1^2 sxx)_phi + p_y

(the MOM6 ``dy2h``/``dx2q`` metric form for the deviatoric part, a plain gradient for the
isotropic part: together the divergence of a symmetric tensor in the 2-D spherical
metric, curvature terms included). Summation by parts gives the discrete
energy identity used by the tests: for u, v masked and a closed or periodic domain

    sum_U u du area_u + sum_V v dv area_v
        = -sum_T (sxx D~ + p div) area_t - sum_q sxy D area_q,   area_q = cosu dxu dyu.

Eddy viscosities use the symmetric tension-strain stress sxx = nu_T D~, sxy = nu_q D, with
nu computed at T points and at corners from the invariants there and the 4-point averages
of the squares of the others (MOM6 ``hor_visc``), so both kernels stay compact; with
positive nu the identity makes the closure dissipative.
"""

import math

from .core import kernel, stencil


@stencil
def corner_mask(k, j, i, maskT):
    """1 where the 4 T cells around corner (j, i) are wet, else 0."""
    return maskT[k, j, i] * maskT[k, j, i + 1] * maskT[k, j + 1, i] * maskT[k, j + 1, i + 1]


@stencil
def tension(k, j, i, u, v, dxt, dyt, cost, cosu):
    """D~ = u_x - v_y [s-1] at T point (j, i)."""
    ux = (u[k, j, i] - u[k, j, i - 1]) / (cost[j] * dxt[i])
    vy = cost[j] * (v[k, j, i] / cosu[j] - v[k, j - 1, i] / cosu[j - 1]) / dyt[j]
    return ux - vy


@stencil
def corner_strain(k, j, i, u, v, maskT, dxu, dyu, cost, cosu):
    """D = u_y + v_x [s-1] at corner (j, i), zero at dry corners."""
    vx = (v[k, j, i + 1] - v[k, j, i]) / (cosu[j] * dxu[i])
    uy = cosu[j] * (u[k, j + 1, i] / cost[j + 1] - u[k, j, i] / cost[j]) / dyu[j]
    return corner_mask(k, j, i, maskT) * (vx + uy)


@stencil
def corner_vorticity(k, j, i, u, v, maskT, dxu, dyu, cost, cosu):
    """zeta = v_x - u_y [s-1] at corner (j, i), zero at dry corners."""
    vx = (v[k, j, i + 1] - v[k, j, i]) / (cosu[j] * dxu[i])
    uy = (cost[j + 1] * u[k, j + 1, i] - cost[j] * u[k, j, i]) / (cosu[j] * dyu[j])
    return corner_mask(k, j, i, maskT) * (vx - uy)


@stencil
def capped(nu, dx, dy, visc_cap):
    """min(nu, visc_cap / (dx^-2 + dy^-2)) [m2 s-1]; no cap when visc_cap <= 0.

    Forward (Euler) stepping of harmonic friction is stable for nu dt (dx^-2 + dy^-2) <=
    1/2, so visc_cap = f / (2 dt) [s-1] caps nu at the fraction f of that limit."""
    if visc_cap > 0.0:
        return min(nu, visc_cap / (1.0 / (dx * dx) + 1.0 / (dy * dy)))
    return nu


@stencil
def write_stress(
    k, j, i, nu_t, nu_q, tension_t, strain_q, maskT, dxt, dxu, dyt, dyu, cost, cosu,
    visc_cap, sxx, sxy, visc_t, visc_q,
):  # fmt: skip
    """Cap and mask the viscosities nu_t (T), nu_q (corner) [m2 s-1] and write them with
    the tension-strain stress sxx = nu_t D~, sxy = nu_q D [m2 s-2]."""
    nu_t = maskT[k, j, i] * capped(nu_t, cost[j] * dxt[i], dyt[j], visc_cap)
    nu_q = corner_mask(k, j, i, maskT) * capped(nu_q, cosu[j] * dxu[i], dyu[j], visc_cap)
    visc_t[k, j, i] = nu_t
    visc_q[k, j, i] = nu_q
    sxx[k, j, i] = nu_t * tension_t
    sxy[k, j, i] = nu_q * strain_q


@kernel(radius=1)
def smagorinsky_stress(
    k, j, i, u, v, maskT, dxt, dxu, dyt, dyu, cost, cosu, c_smag, visc_cap,
    sxx, sxy, visc_t, visc_q,
):  # fmt: skip
    """Smagorinsky (1963) stress: nu = (c_smag Delta)^2 sqrt(D~^2 + D^2) [m2 s-1], Delta =
    sqrt(cell area) [m]; at T points D^2 is the mean of the 4 corners' values, at corners
    D~^2 the mean of the 4 T points' (MOM6). sxx = nu_T D~, sxy = nu_q D [m2 s-2], nu
    capped by ``visc_cap`` [s-1] (see ``capped``), all zero on land (T and corner masks)."""
    t0 = tension(k, j, i, u, v, dxt, dyt, cost, cosu)
    d0 = corner_strain(k, j, i, u, v, maskT, dxu, dyu, cost, cosu)
    d_mean = 0.25 * (
        d0 * d0
        + corner_strain(k, j - 1, i, u, v, maskT, dxu, dyu, cost, cosu) ** 2
        + corner_strain(k, j, i - 1, u, v, maskT, dxu, dyu, cost, cosu) ** 2
        + corner_strain(k, j - 1, i - 1, u, v, maskT, dxu, dyu, cost, cosu) ** 2
    )
    t_mean = 0.25 * (
        t0 * t0
        + tension(k, j + 1, i, u, v, dxt, dyt, cost, cosu) ** 2
        + tension(k, j, i + 1, u, v, dxt, dyt, cost, cosu) ** 2
        + tension(k, j + 1, i + 1, u, v, dxt, dyt, cost, cosu) ** 2
    )
    c2 = c_smag * c_smag
    nu_t = c2 * cost[j] * dxt[i] * dyt[j] * math.sqrt(t0 * t0 + d_mean)
    nu_q = c2 * cosu[j] * dxu[i] * dyu[j] * math.sqrt(d0 * d0 + t_mean)
    write_stress(
        k, j, i, nu_t, nu_q, t0, d0, maskT, dxt, dxu, dyt, dyu, cost, cosu, visc_cap,
        sxx, sxy, visc_t, visc_q,
    )  # fmt: skip


@kernel(radius=2)
def leith_stress(
    k, j, i, u, v, maskT, dxt, dxu, dyt, dyu, cost, cosu, c_leith, visc_cap,
    sxx, sxy, visc_t, visc_q,
):  # fmt: skip
    """Leith (1968) stress: nu = (c_leith Delta / pi)^3 |grad_h zeta| [m2 s-1] (MITgcm
    normalisation), Delta = sqrt(cell area) [m]. |grad zeta|^2 [m-2 s-2] is the mean of the
    squared one-cell differences of corner vorticity on both sides of the point in x plus
    that in y (MOM6); at a corner it reaches the next corners, hence radius 2. Stress as in
    ``smagorinsky_stress``: sxx = nu_T D~, sxy = nu_q D, capped and masked."""
    z0 = corner_vorticity(k, j, i, u, v, maskT, dxu, dyu, cost, cosu)
    zw = corner_vorticity(k, j, i - 1, u, v, maskT, dxu, dyu, cost, cosu)
    zs = corner_vorticity(k, j - 1, i, u, v, maskT, dxu, dyu, cost, cosu)
    zsw = corner_vorticity(k, j - 1, i - 1, u, v, maskT, dxu, dyu, cost, cosu)
    ze = corner_vorticity(k, j, i + 1, u, v, maskT, dxu, dyu, cost, cosu)
    zn = corner_vorticity(k, j + 1, i, u, v, maskT, dxu, dyu, cost, cosu)
    # x differences sit on V points (rows of corners), y differences on U points
    gx_vn = (z0 - zw) / (cosu[j] * dxt[i])  # V (j, i)
    gx_vs = (zs - zsw) / (cosu[j - 1] * dxt[i])  # V (j-1, i)
    gx_ve = (ze - z0) / (cosu[j] * dxt[i + 1])  # V (j, i+1)
    gy_ue = (z0 - zs) / dyt[j]  # U (j, i)
    gy_uw = (zw - zsw) / dyt[j]  # U (j, i-1)
    gy_un = (zn - z0) / dyt[j + 1]  # U (j+1, i)
    grad_t = math.sqrt(0.5 * (gx_vn**2 + gx_vs**2) + 0.5 * (gy_ue**2 + gy_uw**2))
    grad_q = math.sqrt(0.5 * (gx_vn**2 + gx_ve**2) + 0.5 * (gy_ue**2 + gy_un**2))
    c = c_leith / math.pi
    nu_t = (c * c * cost[j] * dxt[i] * dyt[j]) ** 1.5 * grad_t
    nu_q = (c * c * cosu[j] * dxu[i] * dyu[j]) ** 1.5 * grad_q
    write_stress(
        k, j, i, nu_t, nu_q,
        tension(k, j, i, u, v, dxt, dyt, cost, cosu),
        corner_strain(k, j, i, u, v, maskT, dxu, dyu, cost, cosu),
        maskT, dxt, dxu, dyt, dyu, cost, cosu, visc_cap, sxx, sxy, visc_t, visc_q,
    )  # fmt: skip


@kernel(radius=1, static=("with_trace",))
def lateral_stress_divergence(
    k, j, i, sxx, sxy, trace, maskU, maskV, dxt, dxu, dyt, dyu, cost, cosu, with_trace,
    du, dv,
):  # fmt: skip
    """du, dv [m s-2] = div of the stress [[sxx + p, sxy], [sxy, -sxx + p]] [m2 s-2]:

        du = (sxx + p)_x + (cos^2 sxy)_y / cos^2,  dv = sxy_x - (cos^2 sxx)_y / cos^2 + p_y

    with sxx, p = ``trace`` at T points, sxy at corners (p is read only ``with_trace``);
    zero where maskU / maskV are."""
    fx = (sxx[k, j, i + 1] - sxx[k, j, i]) / (cost[j] * dxu[i])
    fx += (cosu[j] ** 2 * sxy[k, j, i] - cosu[j - 1] ** 2 * sxy[k, j - 1, i]) / (
        cost[j] ** 2 * dyt[j]
    )
    fy = (sxy[k, j, i] - sxy[k, j, i - 1]) / (cosu[j] * dxt[i])
    fy -= (cost[j + 1] ** 2 * sxx[k, j + 1, i] - cost[j] ** 2 * sxx[k, j, i]) / (
        cosu[j] ** 2 * dyu[j]
    )
    if with_trace:
        fx += (trace[k, j, i + 1] - trace[k, j, i]) / (cost[j] * dxu[i])
        fy += (trace[k, j + 1, i] - trace[k, j, i]) / dyu[j]
    du[k, j, i] = maskU[k, j, i] * fx
    dv[k, j, i] = maskV[k, j, i] * fy

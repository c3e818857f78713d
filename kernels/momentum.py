"""Momentum tendencies on the C-grid (pyOM2/Veros discretisation).

All terms are accelerations [m s-2] at U points (zonal) and V points (meridional). The
Adams-Bashforth tendency ``du[tau]`` is the signed sum of Coriolis and metric terms,
flux-form advection, surface wind stress and the hydrostatic pressure gradient; friction
goes to ``du_mix`` (``kernels/friction.py``).
"""

from .core import kernel, stencil


@stencil
def coriolis_u(k, j, i, v, coriolis_t, dxt, dxu):
    """f v at U [m s-2]: f at the two adjacent T points times v averaged over the T cell's
    two V faces, weighted by dxt/dxu (energy-conserving, pyOM2)."""
    return 0.25 * (
        coriolis_t[j, i] * (v[k, j, i] + v[k, j - 1, i]) * dxt[i] / dxu[i]
        + coriolis_t[j, i + 1] * (v[k, j, i + 1] + v[k, j - 1, i + 1]) * dxt[i + 1] / dxu[i]
    )


@stencil
def coriolis_v(k, j, i, u, coriolis_t, dyt, dyu, cost, cosu):
    """-f u at V [m s-2], the transpose of ``coriolis_u`` (energy-conserving)."""
    return -0.25 * (
        coriolis_t[j, i] * (u[k, j, i - 1] + u[k, j, i]) * dyt[j] * cost[j] / (dyu[j] * cosu[j])
        + coriolis_t[j + 1, i]
        * (u[k, j + 1, i - 1] + u[k, j + 1, i])
        * dyt[j + 1]
        * cost[j + 1]
        / (dyu[j] * cosu[j])
    )


@stencil
def metric_u(k, j, i, u, v, tantr, dxt, dxu):
    """Spherical metric term u v tan(phi)/a at U [m s-2]."""
    west = (u[k, j, i] + u[k, j, i - 1]) * (v[k, j, i] + v[k, j - 1, i]) * dxt[i]
    east = (u[k, j, i + 1] + u[k, j, i]) * (v[k, j, i + 1] + v[k, j - 1, i + 1]) * dxt[i + 1]
    return 0.125 * tantr[j] * (west + east) / dxu[i]


@stencil
def metric_v(k, j, i, u, tantr, dyt, dyu, cost, cosu):
    """Spherical metric term -u^2 tan(phi)/a at V [m s-2]."""
    a = u[k, j, i] + u[k, j, i - 1]
    b = u[k, j + 1, i] + u[k, j + 1, i - 1]
    return -0.125 * (
        tantr[j] * a * a * dyt[j] * cost[j] / (dyu[j] * cosu[j])
        + tantr[j + 1] * b * b * dyt[j + 1] * cost[j + 1] / (dyu[j] * cosu[j])
    )


@stencil
def transport_x(k, j, i, u, maskU, dyt, dzt):
    """Zonal volume transport through the east face of T cell (k, j, i) [m3 s-1]."""
    return u[k, j, i] * maskU[k, j, i] * dyt[j] * dzt[k]


@stencil
def transport_y(k, j, i, v, maskV, dxt, dzt, cosu):
    """Meridional volume transport through the north face [m3 s-1]."""
    return v[k, j, i] * maskV[k, j, i] * dxt[i] * cosu[j] * dzt[k]


@stencil
def transport_z(k, j, i, w, maskW, area_t):
    """Vertical volume transport through the top face [m3 s-1]."""
    return w[k, j, i] * maskW[k, j, i] * area_t[j, i]


@stencil
def advection_u(k, j, i, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t, area_u):
    """-div(u_vec u) at U in flux form [m s-2]: transports averaged to U-cell faces, u to the
    faces by 2-point means (second order, energy conserving; pyOM2/MITgcm)."""
    nz = u.shape[0]
    fe = (
        0.25
        * (u[k, j, i] + u[k, j, i + 1])
        * (transport_x(k, j, i + 1, u, maskU, dyt, dzt) + transport_x(k, j, i, u, maskU, dyt, dzt))
    )
    fw = (
        0.25
        * (u[k, j, i - 1] + u[k, j, i])
        * (transport_x(k, j, i, u, maskU, dyt, dzt) + transport_x(k, j, i - 1, u, maskU, dyt, dzt))
    )
    fn = (
        0.25
        * (u[k, j, i] + u[k, j + 1, i])
        * (
            transport_y(k, j, i + 1, v, maskV, dxt, dzt, cosu)
            + transport_y(k, j, i, v, maskV, dxt, dzt, cosu)
        )
    )
    fs = (
        0.25
        * (u[k, j - 1, i] + u[k, j, i])
        * (
            transport_y(k, j - 1, i + 1, v, maskV, dxt, dzt, cosu)
            + transport_y(k, j - 1, i, v, maskV, dxt, dzt, cosu)
        )
    )
    ft = 0.0
    if k < nz - 1:
        ft = (
            0.25
            * (u[k + 1, j, i] + u[k, j, i])
            * (transport_z(k, j, i, w, maskW, area_t) + transport_z(k, j, i + 1, w, maskW, area_t))
        )
    fb = 0.0
    if k > 0:
        fb = (
            0.25
            * (u[k, j, i] + u[k - 1, j, i])
            * (
                transport_z(k - 1, j, i, w, maskW, area_t)
                + transport_z(k - 1, j, i + 1, w, maskW, area_t)
            )
        )
    return -(fe - fw + fn - fs + ft - fb) / (dzt[k] * area_u[j, i])


@stencil
def advection_v(k, j, i, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t, area_v):
    """-div(u_vec v) at V in flux form [m s-2] (the V-point twin of ``advection_u``)."""
    nz = v.shape[0]
    fe = (
        0.25
        * (v[k, j, i] + v[k, j, i + 1])
        * (transport_x(k, j + 1, i, u, maskU, dyt, dzt) + transport_x(k, j, i, u, maskU, dyt, dzt))
    )
    fw = (
        0.25
        * (v[k, j, i - 1] + v[k, j, i])
        * (
            transport_x(k, j + 1, i - 1, u, maskU, dyt, dzt)
            + transport_x(k, j, i - 1, u, maskU, dyt, dzt)
        )
    )
    fn = (
        0.25
        * (v[k, j, i] + v[k, j + 1, i])
        * (
            transport_y(k, j + 1, i, v, maskV, dxt, dzt, cosu)
            + transport_y(k, j, i, v, maskV, dxt, dzt, cosu)
        )
    )
    fs = (
        0.25
        * (v[k, j - 1, i] + v[k, j, i])
        * (
            transport_y(k, j, i, v, maskV, dxt, dzt, cosu)
            + transport_y(k, j - 1, i, v, maskV, dxt, dzt, cosu)
        )
    )
    ft = 0.0
    if k < nz - 1:
        ft = (
            0.25
            * (v[k + 1, j, i] + v[k, j, i])
            * (transport_z(k, j, i, w, maskW, area_t) + transport_z(k, j + 1, i, w, maskW, area_t))
        )
    fb = 0.0
    if k > 0:
        fb = (
            0.25
            * (v[k, j, i] + v[k - 1, j, i])
            * (
                transport_z(k - 1, j, i, w, maskW, area_t)
                + transport_z(k - 1, j + 1, i, w, maskW, area_t)
            )
        )
    return -(fe - fw + fn - fs + ft - fb) / (dzt[k] * area_v[j, i])


@kernel(radius=1)
def momentum_tendency(
    k, j, i,
    u, v, w, p_hydro, taux, tauy, coriolis_t,
    maskU, maskV, maskW,
    dxt, dxu, dyt, dyu, dzt, cost, cosu, tantr, area_t, area_u, area_v,
    rho_0, spherical, advect,
    du, dv,
):  # fmt: skip
    """du, dv [m s-2] at (k, j, i) for Adams-Bashforth:

    du = f v + metric - div(u_vec u) + taux/(rho_0 dz_top) [top only] - dp/dx
    dv = -f u + metric - div(u_vec v) + tauy/(rho_0 dz_top) [top only] - dp/dy

    with p = p_hydro [m2 s-2] the hydrostatic pressure divided by rho_0.
    """
    nz = u.shape[0]
    gu = coriolis_u(k, j, i, v, coriolis_t, dxt, dxu)
    gv = coriolis_v(k, j, i, u, coriolis_t, dyt, dyu, cost, cosu)
    if spherical:
        gu += metric_u(k, j, i, u, v, tantr, dxt, dxu)
        gv += metric_v(k, j, i, u, tantr, dyt, dyu, cost, cosu)
    if advect:
        gu += advection_u(
            k, j, i, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t, area_u
        )
        gv += advection_v(
            k, j, i, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t, area_v
        )
    if k == nz - 1:
        gu += taux[j, i] / (dzt[k] * rho_0)
        gv += tauy[j, i] / (dzt[k] * rho_0)
    gu -= (p_hydro[k, j, i + 1] - p_hydro[k, j, i]) / (cost[j] * dxu[i])
    gv -= (p_hydro[k, j + 1, i] - p_hydro[k, j, i]) / dyu[j]
    du[k, j, i] = maskU[k, j, i] * gu
    dv[k, j, i] = maskV[k, j, i] * gv

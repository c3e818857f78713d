"""Momentum tendencies on the C-grid (pyOM2/Veros discretisation).

All terms are accelerations [m s-2] at U points (zonal) and V points (meridional). The
Adams-Bashforth tendency ``du[tau]`` is the signed sum of Coriolis and metric terms,
flux-form advection, surface wind stress and the hydrostatic pressure gradient; friction
goes to ``du_mix`` (``kernels/friction.py``).
"""

from .core import adjoint_of, column_kernel, in_box, kernel, stencil


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


# -- adjoints ------------------------------------------------------------------------------
# Forward arrays around a face or T cell are read only where an adjoint reaching it is
# nonzero: it then lies in the forward stencil of an in-box output, so every index stays in
# the range the forward launch read.


@stencil
def _g_adj(k, j, i, y_adj, mask, fbox):
    """The adjoint of the unmasked tendency at cell (k, j, i): mask y_adj, 0 off the box."""
    if in_box(k, j, i, fbox):
        return mask[k, j, i] * y_adj[k, j, i]
    return 0.0


@stencil
def _t_u_adj(
    k, j, i, u, v, coriolis_t, tantr, maskU, maskV, dxt, dxu, dyt, dyu, cost, cosu,
    spherical, du_adj, dv_adj, fbox,
):  # fmt: skip
    """Adjoint of the Coriolis and metric terms with respect to U_T = u_i + u_{i-1} at T
    cell (k, j, i). Those of du are 0.25/dxu times the sum, over the T cells beside U, of
    dxt (f V_T + tan/a U_T V_T / 2) (V_T = v_j + v_{j-1}), those of dv -0.25/(dyu cosu)
    times the sum of dyt cost (f U_T + tan/a U_T^2 / 2) over the T cells beside V. With
    ubar, vbar the brackets' adjoints here, U_T gets f vbar + tan/a (V_T ubar/2 + U_T vbar)."""
    ae = _g_adj(k, j, i, du_adj, maskU, fbox)
    aw = _g_adj(k, j, i - 1, du_adj, maskU, fbox)
    bn = _g_adj(k, j, i, dv_adj, maskV, fbox)
    bs = _g_adj(k, j - 1, i, dv_adj, maskV, fbox)
    if (ae != 0.0) | (aw != 0.0) | (bn != 0.0) | (bs != 0.0):
        ub = 0.25 * dxt[i] * (ae / dxu[i] + aw / dxu[i - 1])
        vb = -0.25 * dyt[j] * cost[j] * (bn / (dyu[j] * cosu[j]) + bs / (dyu[j - 1] * cosu[j - 1]))
        ut = u[k, j, i] + u[k, j, i - 1]
        vt = v[k, j, i] + v[k, j - 1, i]
        return coriolis_t[j, i] * vb + spherical * tantr[j] * (0.5 * vt * ub + ut * vb)
    return 0.0


@stencil
def _t_v_adj(k, j, i, u, coriolis_t, tantr, maskU, dxt, dxu, spherical, du_adj, fbox):
    """As ``_t_u_adj`` with respect to V_T = v_j + v_{j-1}: f ubar + tan/a U_T ubar / 2."""
    ae = _g_adj(k, j, i, du_adj, maskU, fbox)
    aw = _g_adj(k, j, i - 1, du_adj, maskU, fbox)
    if (ae != 0.0) | (aw != 0.0):
        ub = 0.25 * dxt[i] * (ae / dxu[i] + aw / dxu[i - 1])
        ut = u[k, j, i] + u[k, j, i - 1]
        return (coriolis_t[j, i] + spherical * 0.5 * tantr[j] * ut) * ub
    return 0.0


@adjoint_of(
    momentum_tendency, reads=("u", "v", "w", "p_hydro", "taux", "tauy"), writes=("du", "dv")
)
@kernel(radius=1)
def momentum_tendency_adj(
    k, j, i, u, v, coriolis_t, maskU, maskV, dxt, dxu, dyt, dyu, cost, cosu, tantr,
    spherical, u_adj, v_adj, p_hydro_adj, du_adj, dv_adj, fbox,
):  # fmt: skip
    """Adjoint of the Coriolis, metric and pressure-gradient terms of ``momentum_tendency``:
    u gathers from the T cells west and east of its U point, v from those south and north
    of its V point (``_t_u_adj``, ``_t_v_adj``); p_hydro from the U and V points around its
    T point, with weights 1/(cost dxu) and 1/dyu."""
    gu = gv = 0.0
    for d in range(2):
        gu += _t_u_adj(
            k, j, i + d, u, v, coriolis_t, tantr, maskU, maskV, dxt, dxu, dyt, dyu, cost,
            cosu, spherical, du_adj, dv_adj, fbox,
        )  # fmt: skip
        gv += _t_v_adj(k, j + d, i, u, coriolis_t, tantr, maskU, dxt, dxu, spherical, du_adj, fbox)
    u_adj[k, j, i] += gu
    v_adj[k, j, i] += gv
    g = _g_adj(k, j, i, du_adj, maskU, fbox) / (cost[j] * dxu[i])
    g += _g_adj(k, j, i, dv_adj, maskV, fbox) / dyu[j]
    if in_box(k, j, i - 1, fbox):
        g -= maskU[k, j, i - 1] * du_adj[k, j, i - 1] / (cost[j] * dxu[i - 1])
    if in_box(k, j - 1, i, fbox):
        g -= maskV[k, j - 1, i] * dv_adj[k, j - 1, i] / dyu[j - 1]
    p_hydro_adj[k, j, i] += g


@adjoint_of(momentum_tendency)
@column_kernel(radius=1)
def momentum_tendency_wind_adj(
    j, i, maskU, maskV, dzt, rho_0, taux_adj, tauy_adj, du_adj, dv_adj, fbox,
):  # fmt: skip
    """Adjoint of the surface stress terms taux/(rho_0 dzt_top), tauy/(rho_0 dzt_top): the
    top cell's masked du_adj (dv_adj) over rho_0 dzt_top, where the top level is in the box."""
    top = maskU.shape[0] - 1
    c = 1.0 / (dzt[top] * rho_0)
    taux_adj[j, i] += c * _g_adj(top, j, i, du_adj, maskU, fbox)
    tauy_adj[j, i] += c * _g_adj(top, j, i, dv_adj, maskV, fbox)


@stencil
def _face_adj(k, j, i, dk, dj, di, y_adj, mask, dzt, area, fbox):
    """Adjoint of the momentum flux from cell (k, j, i) to (k + dk, j + dj, i + di) in
    ``advection_u`` (``_v``): it leaves the one cell's -div/(dzt area) and enters the
    other's (no flux through the surface and the bottom)."""
    nz = y_adj.shape[0]
    a = 0.0
    if in_box(k, j, i, fbox) & (k + dk < nz):
        a = -mask[k, j, i] * y_adj[k, j, i] / (dzt[k] * area[j, i])
    kn, jn, i_n = k + dk, j + dj, i + di
    if in_box(kn, jn, i_n, fbox) & (k >= 0):
        a += mask[kn, jn, i_n] * y_adj[kn, jn, i_n] / (dzt[kn] * area[jn, i_n])
    return a


@stencil
def _transport(k, j, i, dk, dj, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t):
    """Volume transport through the top (dk = 1), north (dj = 1) or east face of T (k, j, i)."""
    if dk == 1:
        return transport_z(k, j, i, w, maskW, area_t)
    if dj == 1:
        return transport_y(k, j, i, v, maskV, dxt, dzt, cosu)
    return transport_x(k, j, i, u, maskU, dyt, dzt)


@stencil
def _face_t_adj(
    k, j, i, dk, dj, di, pj, pi, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t,
    y_adj, mask, area, fbox,
):  # fmt: skip
    """The face's flux adjoint (``_face_adj``) times R + R_partner, the transports at the
    cell's T point and its partner's (pj, pi): 4 times what q on either side gets from it."""
    a = _face_adj(k, j, i, dk, dj, di, y_adj, mask, dzt, area, fbox)
    if a != 0.0:
        r = _transport(k, j, i, dk, dj, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t)
        r += _transport(
            k, j + pj, i + pi, dk, dj, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t
        )
        return a * r
    return 0.0


@stencil
def _face_q_adj(k, j, i, dk, dj, di, q, y_adj, mask, dzt, area, fbox):
    """The face's flux adjoint times the sum of q on its two sides."""
    a = _face_adj(k, j, i, dk, dj, di, y_adj, mask, dzt, area, fbox)
    if a != 0.0:
        return a * (q[k, j, i] + q[k + dk, j + dj, i + di])
    return 0.0


@stencil
def _carried_adj(k, j, i, dk, dj, di, pj, pi, q, y_adj, mask, dzt, area, fbox):
    """4 times the adjoint of the transport R through the face of T cell (k, j, i) normal to
    (dk, dj, di): R enters the fluxes 0.25 (q + q_next)(R + R_partner) through that face of
    the q cells at (j, i) and (j - pj, i - pi) (their partners (pj, pi) east or north)."""
    g = _face_q_adj(k, j, i, dk, dj, di, q, y_adj, mask, dzt, area, fbox)
    return g + _face_q_adj(k, j - pj, i - pi, dk, dj, di, q, y_adj, mask, dzt, area, fbox)


@adjoint_of(momentum_tendency)
@kernel(radius=1)
def momentum_tendency_adv_adj(
    k, j, i, u, v, w, maskU, maskV, maskW, dxt, dyt, dzt, cosu, area_t, area_u, area_v,
    advect, u_adj, v_adj, w_adj, du_adj, dv_adj, fbox,
):  # fmt: skip
    """Adjoint of ``advection_u`` and ``advection_v`` (with ``advect``): their fluxes
    0.25 (q + q_next)(R + R_partner), q = u with partner east, q = v with partner north.
    u (v) gathers each flux's adjoint times R + R_partner from its U (V) cell's six faces
    (``_face_t_adj``); u, v and w gather it times q + q_next from the east, north and top
    faces whose transport they carry (``_carried_adj``)."""
    if not advect:
        return
    gu = gv = 0.0
    for d in range(3):  # faces normal to x, y, z: this cell's and the one before it
        dk, dj, di = d // 2, d % 2, 1 - (d + 1) // 2
        for s in range(2):
            gu += _face_t_adj(
                k - s * dk, j - s * dj, i - s * di, dk, dj, di, 0, 1, u, v, w, maskU, maskV,
                maskW, dxt, dyt, dzt, cosu, area_t, du_adj, maskU, area_u, fbox,
            )  # fmt: skip
            gv += _face_t_adj(
                k - s * dk, j - s * dj, i - s * di, dk, dj, di, 1, 0, u, v, w, maskU, maskV,
                maskW, dxt, dyt, dzt, cosu, area_t, dv_adj, maskV, area_v, fbox,
            )  # fmt: skip
    ru = _carried_adj(k, j, i, 0, 0, 1, 0, 1, u, du_adj, maskU, dzt, area_u, fbox)
    ru += _carried_adj(k, j, i, 0, 0, 1, 1, 0, v, dv_adj, maskV, dzt, area_v, fbox)
    u_adj[k, j, i] += 0.25 * (gu + maskU[k, j, i] * dyt[j] * dzt[k] * ru)
    rv = _carried_adj(k, j, i, 0, 1, 0, 0, 1, u, du_adj, maskU, dzt, area_u, fbox)
    rv += _carried_adj(k, j, i, 0, 1, 0, 1, 0, v, dv_adj, maskV, dzt, area_v, fbox)
    v_adj[k, j, i] += 0.25 * (gv + maskV[k, j, i] * dxt[i] * cosu[j] * dzt[k] * rv)
    rw = _carried_adj(k, j, i, 1, 0, 0, 0, 1, u, du_adj, maskU, dzt, area_u, fbox)
    rw += _carried_adj(k, j, i, 1, 0, 0, 1, 0, v, dv_adj, maskV, dzt, area_v, fbox)
    w_adj[k, j, i] += 0.25 * maskW[k, j, i] * area_t[j, i] * rw

"""Tracer advection fluxes (per unit area, [m s-1 x tracer]) and their divergence.

Faces follow pyOM2/Veros: the flux ``F_e(i)`` is on the east face of T cell i, ``F_n(j)``
on the north face, ``F_t(k)`` on the top face (zero at the surface). Schemes (the
``scheme`` argument): 0 second-order centred; 1 superbee flux-limited (Roe 1985); 2 DST3,
the third-order direct space-time scheme of MITgcm; 3 DST3 flux-limited (Sweby form). The
Courant number c = |u| dt / dx uses ``dt_tracer``.

DST3 (MITgcm, gad_dst3_adv): with d0 = (2 - c)(1 - c)/6 and d1 = (1 - c^2)/6, the flux
through the face between cells 0 and 1 is, for u > 0, F = u (T_0 + psi (T_1 - T_0)) with
psi = d0 + d1 r and r = (T_0 - T_-1)/(T_1 - T_0); for u < 0, F = u (T_1 - psi (T_1 - T_0))
with r = (T_2 - T_1)/(T_1 - T_0). The limited form uses psi = max(0, min(1, d0 + d1 r,
r (1 - c)/c)). As c -> 0 the unlimited flux is the third-order upwind-biased
u (-T_-1 + 5 T_0 + 2 T_1)/6. Differences across land are zero (face masks), as for superbee.
"""

from .core import adjoint_of, in_box, kernel, stencil


@stencil
def superbee_limiter(r):
    """psi(r) = max(min(2r, 1), min(r, 2), 0)."""
    return max(0.0, max(min(2.0 * r, 1.0), min(r, 2.0)))


@stencil
def superbee_face(vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant):
    """Superbee flux through the face between cells 0 and +1; masks are face masks."""
    d0 = (t_p1 - t_0) * m_0
    dm = (t_0 - t_m1) * m_m1
    dp = (t_p2 - t_p1) * m_p1
    denom = d0 if abs(d0) >= 1e-20 else 1e-20
    r = dm / denom if vel > 0.0 else dp / denom
    lim = superbee_limiter(r)
    return vel * 0.5 * (t_0 + t_p1) - 0.5 * abs(vel) * ((1.0 - lim) + courant * lim) * d0


@stencil
def dst3_face(vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant, limited):
    """DST3 flux (limited or not) through the face between cells 0 and +1."""
    d0 = (2.0 - courant) * (1.0 - courant) / 6.0
    d1 = (1.0 - courant * courant) / 6.0
    delta = (t_p1 - t_0) * m_0
    upstream = (t_0 - t_m1) * m_m1 if vel > 0.0 else (t_p2 - t_p1) * m_p1
    if limited:
        denom = delta if abs(delta) >= 1e-20 else 1e-20
        r = max(-1e20, min(1e20, upstream / denom))
        cap = r * (1.0 - courant) / courant if courant > 0.0 else 1e20
        step = max(0.0, min(1.0, min(d0 + d1 * r, cap))) * delta
    else:
        step = d0 * delta + d1 * upstream
    if vel > 0.0:
        return vel * (t_0 + step)
    return vel * (t_p1 - step)


@stencil
def face_flux(scheme, vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant):
    """The flux of ``scheme`` (1 superbee, 2 DST3, 3 limited DST3) through one face."""
    if scheme == 1:
        return superbee_face(vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant)
    return dst3_face(vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant, scheme == 3)


@stencil
def flux_east(k, j, i, t, u, maskU, dxt, cost, dt, scheme):
    vel = u[k, j, i] * maskU[k, j, i]
    if scheme == 0:
        return vel * 0.5 * (t[k, j, i] + t[k, j, i + 1])
    c = abs(vel * dt / (cost[j] * dxt[i]))
    return face_flux(
        scheme,
        vel, t[k, j, i - 1], t[k, j, i], t[k, j, i + 1], t[k, j, i + 2],
        maskU[k, j, i - 1], maskU[k, j, i], maskU[k, j, i + 1], c,
    )  # fmt: skip


@stencil
def flux_north(k, j, i, t, v, maskV, dyt, cost, cosu, dt, scheme):
    vel = v[k, j, i] * maskV[k, j, i] * cosu[j]
    if scheme == 0:
        return vel * 0.5 * (t[k, j, i] + t[k, j + 1, i])
    c = abs(vel * dt / (cost[j] * dyt[j]))
    return face_flux(
        scheme,
        vel, t[k, j - 1, i], t[k, j, i], t[k, j + 1, i], t[k, j + 2, i],
        maskV[k, j - 1, i], maskV[k, j, i], maskV[k, j + 1, i], c,
    )  # fmt: skip


@stencil
def flux_top(k, j, i, t, w, maskW, dzt, dt, scheme):
    """Flux through the top face of cell k; zero at the surface. The column is edge-padded
    (values beyond the bottom or top repeat the end values), as in Veros."""
    nz = t.shape[0]
    if k >= nz - 1 or k < 0:
        return 0.0
    vel = w[k, j, i] * maskW[k, j, i]
    if scheme == 0:
        return vel * 0.5 * (t[k, j, i] + t[k + 1, j, i])
    km1 = max(k - 1, 0)
    kp2 = min(k + 2, nz - 1)
    kp1m = min(k + 1, nz - 1)
    c = abs(vel * dt / dzt[k])
    return face_flux(
        scheme,
        vel, t[km1, j, i], t[k, j, i], t[k + 1, j, i], t[kp2, j, i],
        maskW[km1, j, i], maskW[k, j, i], maskW[kp1m, j, i], c,
    )  # fmt: skip


@kernel(radius=2, static=("scheme",))
def tracer_advection(
    k, j, i, t, u, v, w, maskT, maskU, maskV, maskW, dxt, dyt, dzt, cost, cosu, dt, scheme,
    dt_out,
):  # fmt: skip
    """dT/dt = -div(F) at T [tracer s-1]; scheme 0 = centred, 1 = superbee, 2 = DST3,
    3 = DST3 flux-limited."""
    fe = flux_east(k, j, i, t, u, maskU, dxt, cost, dt, scheme)
    fw = flux_east(k, j, i - 1, t, u, maskU, dxt, cost, dt, scheme)
    fn = flux_north(k, j, i, t, v, maskV, dyt, cost, cosu, dt, scheme)
    fs = flux_north(k, j - 1, i, t, v, maskV, dyt, cost, cosu, dt, scheme)
    ft = flux_top(k, j, i, t, w, maskW, dzt, dt, scheme)
    fb = flux_top(k - 1, j, i, t, w, maskW, dzt, dt, scheme)
    dt_out[k, j, i] = maskT[k, j, i] * (
        -(fe - fw) / (cost[j] * dxt[i]) - (fn - fs) / (cost[j] * dyt[j]) - (ft - fb) / dzt[k]
    )


# -- adjoints ------------------------------------------------------------------------------
# Only the schemes a differentiated run allows: 0 (centred) and 2 (DST3, unlimited); the
# limiters of 1 and 3 are refused by the caller (ocean/adjoint/tape.py), not here.
@stencil
def face_partials(scheme, vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant, rate):
    """Partial derivatives of one face's flux (scheme 0 or 2) with respect to t_m1, t_0,
    t_p1, t_p2 and vel, for courant = |vel rate|. DST3's Courant number depends on |vel|:
    its derivative is sign(vel rate) rate (0 at vel = 0, where the flux's own kink is: the
    branch taken there is the forward's, vel <= 0)."""
    if scheme == 0:
        return 0.0, 0.5 * vel, 0.5 * vel, 0.0, 0.5 * (t_0 + t_p1)
    x = vel * rate
    dcdv = rate if x > 0.0 else (-rate if x < 0.0 else 0.0)
    d0 = (2.0 - courant) * (1.0 - courant) / 6.0
    d1 = (1.0 - courant * courant) / 6.0
    dd0 = (2.0 * courant - 3.0) / 6.0  # d d0 / dc
    dd1 = -courant / 3.0  # d d1 / dc
    delta = (t_p1 - t_0) * m_0
    if vel > 0.0:  # F = vel (t_0 + d0 delta + d1 (t_0 - t_m1) m_m1)
        upstream = (t_0 - t_m1) * m_m1
        p_vel = t_0 + d0 * delta + d1 * upstream + vel * (dd0 * delta + dd1 * upstream) * dcdv
        p_0 = vel * (1.0 - d0 * m_0 + d1 * m_m1)
        return -vel * d1 * m_m1, p_0, vel * d0 * m_0, 0.0, p_vel
    # F = vel (t_p1 - d0 delta - d1 (t_p2 - t_p1) m_p1)
    upstream = (t_p2 - t_p1) * m_p1
    p_vel = t_p1 - d0 * delta - d1 * upstream - vel * (dd0 * delta + dd1 * upstream) * dcdv
    p_p1 = vel * (1.0 - d0 * m_0 + d1 * m_p1)
    return 0.0, vel * d0 * m_0, p_p1, -vel * d1 * m_p1, p_vel


@stencil
def role_sum(p, n, n_m1, n_0, n_p1, n_p2):
    """Sum of the partials ``p`` (t_m1, t_0, t_p1, t_p2) of the roles played by level or
    index ``n`` (several when the column is edge-padded)."""
    # products with the comparisons, not branches (reassignments in inlined branches upset
    # Numba's SSA pass)
    return (
        p[0] * (n == n_m1) + p[1] * (n == n_0) + p[2] * (n == n_p1) + p[3] * (n == n_p2)
    )  # fmt: skip


@stencil
def east_face_adj(k, j, i, t, u, maskT, maskU, dxt, cost, dt, scheme, dt_out_adj, fbox):
    """Adjoint of the east face of cell i: g times the partials of its flux (t at i-1..i+2,
    then u), with g = dJ/dF gathered from cells i (flux out) and i+1 (flux in); zeros when
    neither is in the forward box."""
    g = 0.0
    if in_box(k, j, i, fbox):
        g -= maskT[k, j, i] * dt_out_adj[k, j, i] / (cost[j] * dxt[i])
    if in_box(k, j, i + 1, fbox):
        g += maskT[k, j, i + 1] * dt_out_adj[k, j, i + 1] / (cost[j] * dxt[i + 1])
    if not (in_box(k, j, i, fbox) | in_box(k, j, i + 1, fbox)):
        return 0.0, 0.0, 0.0, 0.0, 0.0
    vel = u[k, j, i] * maskU[k, j, i]
    c = abs(vel * dt / (cost[j] * dxt[i]))
    p = face_partials(
        scheme,
        vel, t[k, j, i - 1], t[k, j, i], t[k, j, i + 1], t[k, j, i + 2],
        maskU[k, j, i - 1], maskU[k, j, i], maskU[k, j, i + 1], c, dt / (cost[j] * dxt[i]),
    )  # fmt: skip
    return g * p[0], g * p[1], g * p[2], g * p[3], g * p[4] * maskU[k, j, i]


@stencil
def north_face_adj(k, j, i, t, v, maskT, maskV, dyt, cost, cosu, dt, scheme, dt_out_adj, fbox):
    """Adjoint of the north face of cell j (as :func:`east_face_adj`; t at j-1..j+2, v)."""
    g = 0.0
    if in_box(k, j, i, fbox):
        g -= maskT[k, j, i] * dt_out_adj[k, j, i] / (cost[j] * dyt[j])
    if in_box(k, j + 1, i, fbox):
        g += maskT[k, j + 1, i] * dt_out_adj[k, j + 1, i] / (cost[j + 1] * dyt[j + 1])
    if not (in_box(k, j, i, fbox) | in_box(k, j + 1, i, fbox)):
        return 0.0, 0.0, 0.0, 0.0, 0.0
    vel = v[k, j, i] * maskV[k, j, i] * cosu[j]
    c = abs(vel * dt / (cost[j] * dyt[j]))
    p = face_partials(
        scheme,
        vel, t[k, j - 1, i], t[k, j, i], t[k, j + 1, i], t[k, j + 2, i],
        maskV[k, j - 1, i], maskV[k, j, i], maskV[k, j + 1, i], c, dt / (cost[j] * dyt[j]),
    )  # fmt: skip
    return g * p[0], g * p[1], g * p[2], g * p[3], g * p[4] * maskV[k, j, i] * cosu[j]


@stencil
def top_face_adj(k, j, i, t, w, maskT, maskW, dzt, dt, scheme, dt_out_adj, fbox):
    """Adjoint of the top face of cell k < nz - 1 (as :func:`east_face_adj`; t at the
    edge-padded levels k-1..k+2, then w)."""
    nz = t.shape[0]
    g = 0.0
    if in_box(k, j, i, fbox):
        g -= maskT[k, j, i] * dt_out_adj[k, j, i] / dzt[k]
    if in_box(k + 1, j, i, fbox):
        g += maskT[k + 1, j, i] * dt_out_adj[k + 1, j, i] / dzt[k + 1]
    if not (in_box(k, j, i, fbox) | in_box(k + 1, j, i, fbox)):
        return 0.0, 0.0, 0.0, 0.0, 0.0
    vel = w[k, j, i] * maskW[k, j, i]
    km1 = max(k - 1, 0)
    kp2 = min(k + 2, nz - 1)
    kp1m = min(k + 1, nz - 1)
    c = abs(vel * dt / dzt[k])
    p = face_partials(
        scheme,
        vel, t[km1, j, i], t[k, j, i], t[k + 1, j, i], t[kp2, j, i],
        maskW[km1, j, i], maskW[k, j, i], maskW[kp1m, j, i], c, dt / dzt[k],
    )  # fmt: skip
    return g * p[0], g * p[1], g * p[2], g * p[3], g * p[4] * maskW[k, j, i]


#: partials of one face's flux kept per cell (t at its four stencil points) and faces per
#: cell (east, north, top): the layout of the adjoint's work array ``face_adj``
FACE_ROLES, FACES = 4, 3


@stencil
def in_face_range(f, lo, hi):
    """Whether face f (between cells f and f + 1) borders a forward-box cell of [lo, hi)."""
    return (f >= lo - 1) & (f < hi)


@stencil
def inner_top_face_adj(k, j, i, t, w, maskT, maskW, dzt, dt, scheme, dt_out_adj, fbox):
    """:func:`top_face_adj`, zeros at the surface (k = nz - 1: no face above, w there is
    not a flux)."""
    if k >= t.shape[0] - 1:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    return top_face_adj(k, j, i, t, w, maskT, maskW, dzt, dt, scheme, dt_out_adj, fbox)


@adjoint_of(
    tracer_advection, reads=("t", "u", "v", "w"), writes=("dt_out",),
    work=(("face_adj", FACE_ROLES * FACES),),
)  # fmt: skip
@kernel(radius=2)
def tracer_advection_adj_faces(
    k, j, i, t, u, v, w, maskT, maskU, maskV, maskW, dxt, dyt, dzt, cost, cosu, dt, scheme,
    u_adj, v_adj, w_adj, dt_out_adj, face_adj, fbox,
):  # fmt: skip
    """Adjoint of the advective tendency, first pass (schemes 0 and 2 only): for the east,
    north and top faces of this cell, g = dJ/dF (from the two cells the face separates)
    times the flux's partials. The velocity partials go to u, v and w (for DST3 through its
    Courant number too, |vel| differentiated as sign(vel): see :func:`face_partials`);
    the four t partials of each face are kept in ``face_adj`` for the second pass. Each
    face is differentiated once."""
    pe = east_face_adj(k, j, i, t, u, maskT, maskU, dxt, cost, dt, scheme, dt_out_adj, fbox)
    face_adj[0, k, j, i], face_adj[1, k, j, i] = pe[0], pe[1]
    face_adj[2, k, j, i], face_adj[3, k, j, i] = pe[2], pe[3]
    u_adj[k, j, i] += pe[4]
    pn = north_face_adj(
        k, j, i, t, v, maskT, maskV, dyt, cost, cosu, dt, scheme, dt_out_adj, fbox
    )  # fmt: skip
    face_adj[4, k, j, i], face_adj[5, k, j, i] = pn[0], pn[1]
    face_adj[6, k, j, i], face_adj[7, k, j, i] = pn[2], pn[3]
    v_adj[k, j, i] += pn[4]
    pt = inner_top_face_adj(k, j, i, t, w, maskT, maskW, dzt, dt, scheme, dt_out_adj, fbox)
    face_adj[8, k, j, i], face_adj[9, k, j, i] = pt[0], pt[1]
    face_adj[10, k, j, i], face_adj[11, k, j, i] = pt[2], pt[3]
    w_adj[k, j, i] += pt[4]


@adjoint_of(tracer_advection)
@kernel(radius=2)
def tracer_advection_adj_t(k, j, i, t, t_adj, face_adj, fbox):
    """Adjoint of the advective tendency with respect to t, second pass: t of this cell
    gathers, from each face whose flux reads it (east faces i-2..i+1, north faces j-2..j+1,
    top faces k-2..k+1, those bordering the forward box), the first pass's partial in this
    cell's role."""
    nz = t.shape[0]
    total = 0.0
    for f in range(i - 2, i + 2):
        if in_face_range(f, fbox[4], fbox[5]):
            p = (face_adj[0, k, j, f], face_adj[1, k, j, f], face_adj[2, k, j, f],
                 face_adj[3, k, j, f])  # fmt: skip
            total += role_sum(p, i, f - 1, f, f + 1, f + 2)
    for f in range(j - 2, j + 2):
        if in_face_range(f, fbox[2], fbox[3]):
            p = (face_adj[4, k, f, i], face_adj[5, k, f, i], face_adj[6, k, f, i],
                 face_adj[7, k, f, i])  # fmt: skip
            total += role_sum(p, j, f - 1, f, f + 1, f + 2)
    for f in range(max(k - 2, 0), min(k + 2, nz - 1)):
        if in_face_range(f, fbox[0], fbox[1]):
            p = (face_adj[8, f, j, i], face_adj[9, f, j, i], face_adj[10, f, j, i],
                 face_adj[11, f, j, i])  # fmt: skip
            total += role_sum(p, k, max(f - 1, 0), f, f + 1, min(f + 2, nz - 1))
    t_adj[k, j, i] += total

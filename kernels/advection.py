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

from .core import kernel, stencil


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


@kernel(radius=2)
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

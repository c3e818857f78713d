"""Lateral friction (harmonic and biharmonic, the Laplacians of ``laplacian.py``) and
linear and quadratic bottom drag (pyOM2/Veros discretisations). Results are accelerations
[m s-2] added to ``du_mix``/``dv_mix`` (after the implicit vertical viscosity of
``vertical_friction.py``), which are not Adams-Bashforth extrapolated.
"""

import math

from .core import adjoint_of, in_box, kernel, stencil
from .laplacian import (
    laplacian_u,
    laplacian_u_adj,
    laplacian_u_rows_adj,
    laplacian_v,
    laplacian_v_adj,
    laplacian_v_rows_adj,
)  # fmt: skip


@kernel(radius=1)
def biharmonic_laplacian(
    k, j, i, u, v, maskU, maskV, cu_x, cu_y, cv_x, cv_y,
    dxt, dxu, dyt, dyu, cost, cosu, lap_u, lap_v,
):  # fmt: skip
    """First pass of biharmonic friction: lap = div(sqrt(A_hbi) grad u) (and for v)."""
    lap_u[k, j, i] = laplacian_u(k, j, i, u, maskU, cu_x, cu_y, dxt, dxu, dyt, dyu, cost, cosu)
    lap_v[k, j, i] = laplacian_v(k, j, i, v, maskV, cv_x, cv_y, dxt, dxu, dyt, dyu, cost, cosu)


@stencil
def speed_at_u(k, j, i, u, v, maskV):
    """Speed [m s-1] at U: u and the 4 surrounding (wet) v (Veros)."""
    vsq = (
        maskV[k, j, i] * v[k, j, i] ** 2
        + maskV[k, j - 1, i] * v[k, j - 1, i] ** 2
        + maskV[k, j, i + 1] * v[k, j, i + 1] ** 2
        + maskV[k, j - 1, i + 1] * v[k, j - 1, i + 1] ** 2
    )
    return math.sqrt(u[k, j, i] ** 2 + 0.25 * vsq)


@stencil
def speed_at_v(k, j, i, u, v, maskU):
    """Speed [m s-1] at V: v and the 4 surrounding (wet) u."""
    usq = (
        maskU[k, j, i] * u[k, j, i] ** 2
        + maskU[k, j, i - 1] * u[k, j, i - 1] ** 2
        + maskU[k, j + 1, i] * u[k, j + 1, i] ** 2
        + maskU[k, j + 1, i - 1] * u[k, j + 1, i - 1] ** 2
    )
    return math.sqrt(v[k, j, i] ** 2 + 0.25 * usq)


@stencil
def bottom_drag(k, kb, vel, speed, r_bot, r_quad_bot, dzt):
    """Linear and quadratic drag [m s-2] in the deepest wet cell of the column (k == kb-1)."""
    if k != kb - 1:
        return 0.0
    return -r_bot * vel - r_quad_bot * vel * speed / dzt[k]


@kernel(radius=1)
def explicit_friction(
    k, j, i, u, v, lap_u, lap_v, kbot, maskU, maskV,
    hu_x, hu_y, hv_x, hv_y, bu_x, bu_y, bv_x, bv_y,
    dxt, dxu, dyt, dyu, dzt, cost, cosu, r_bot, r_quad_bot, biharmonic, du_mix, dv_mix,
):  # fmt: skip
    """du_mix += A_h lap(u) - lap(sqrt(A_hbi) lap(sqrt(A_hbi) u)) + bottom drag (same for v).

    ``hu_x, hu_y`` etc. are the lateral coefficients per row [m2 s-1] (A_h cos^p) or
    [m2 s-1/2] (sqrt(A_hbi) cos^(p/2)); ``lap_u``/``lap_v`` come from ``biharmonic_laplacian``.
    Quadratic drag uses the speed from u and the 4 surrounding v (Veros).
    """
    mu, mv = maskU[k, j, i], maskV[k, j, i]
    gu = laplacian_u(k, j, i, u, maskU, hu_x, hu_y, dxt, dxu, dyt, dyu, cost, cosu)
    gv = laplacian_v(k, j, i, v, maskV, hv_x, hv_y, dxt, dxu, dyt, dyu, cost, cosu)
    if biharmonic:
        gu -= laplacian_u(k, j, i, lap_u, maskU, bu_x, bu_y, dxt, dxu, dyt, dyu, cost, cosu)
        gv -= laplacian_v(k, j, i, lap_v, maskV, bv_x, bv_y, dxt, dxu, dyt, dyu, cost, cosu)
    ku = max(kbot[j, i], kbot[j, i + 1])
    kv = max(kbot[j, i], kbot[j + 1, i])
    speed_u = speed_at_u(k, j, i, u, v, maskV)
    speed_v = speed_at_v(k, j, i, u, v, maskU)
    gu += bottom_drag(k, ku, u[k, j, i], speed_u, r_bot, r_quad_bot, dzt)
    gv += bottom_drag(k, kv, v[k, j, i], speed_v, r_bot, r_quad_bot, dzt)
    du_mix[k, j, i] += mu * gu
    dv_mix[k, j, i] += mv * gv


# -- adjoints ------------------------------------------------------------------------------
@adjoint_of(
    biharmonic_laplacian,
    reads=("u", "v"),
    writes=("lap_u", "lap_v"),
    rows=("cu_x", "cu_y", "cv_x", "cv_y"),
)
@kernel(radius=1)
def biharmonic_laplacian_adj_u(
    k, j, i, u, maskU, cu_x, cu_y, dxt, dxu, dyt, dyu, cost, cosu,
    lap_u_adj, u_adj, cu_x_adj, cu_y_adj, fbox,
):  # fmt: skip
    """Adjoint of lap_u = div(c grad u) (linear in u and in the coefficients): u gathers
    lap_u_adj through the 5-point stencil, the rows cu_x, cu_y their fluxes' shares."""
    u_adj[k, j, i] += laplacian_u_adj(
        k, j, i, lap_u_adj, maskU, cu_x, cu_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_u_rows_adj(
        k, j, i, u, lap_u_adj, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    cu_x_adj[k, j, i] += dcx
    cu_y_adj[k, j, i] += dcy


@adjoint_of(biharmonic_laplacian)
@kernel(radius=1)
def biharmonic_laplacian_adj_v(
    k, j, i, v, maskV, cv_x, cv_y, dxt, dxu, dyt, dyu, cost, cosu,
    lap_v_adj, v_adj, cv_x_adj, cv_y_adj, fbox,
):  # fmt: skip
    """Adjoint of lap_v = div(c grad v), as for u."""
    v_adj[k, j, i] += laplacian_v_adj(
        k, j, i, lap_v_adj, maskV, cv_x, cv_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_v_rows_adj(
        k, j, i, v, lap_v_adj, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    cv_x_adj[k, j, i] += dcx
    cv_y_adj[k, j, i] += dcy


@stencil
def drag_adj_terms(k, kb, vel, speed, g, r_bot, r_quad_bot, dzt):
    """g times the partial derivatives of ``bottom_drag``: (d/dvel at fixed speed,
    d/dspeed / speed, d/dr_bot, d/dr_quad_bot). At speed 0 (vel and its neighbours all 0)
    vel * speed is differentiable with derivative 0: the speed term is taken as 0 there."""
    if k != kb - 1:
        return 0.0, 0.0, 0.0, 0.0
    quad = r_quad_bot / dzt[k]
    per_speed = 0.0
    if speed > 0.0:
        per_speed = -g * quad * vel / speed
    return g * (-r_bot - quad * speed), per_speed, -g * vel, -g * vel * speed / dzt[k]


@stencil
def drag_u_adj_terms(k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj):
    """:func:`drag_adj_terms` of U cell (k, j, i), weighted by maskU du_mix_adj."""
    ku = max(kbot[j, i], kbot[j, i + 1])
    if k != ku - 1:
        return 0.0, 0.0, 0.0, 0.0
    g = maskU[k, j, i] * du_mix_adj[k, j, i]
    speed = speed_at_u(k, j, i, u, v, maskV)
    return drag_adj_terms(k, ku, u[k, j, i], speed, g, r_bot, r_quad_bot, dzt)


@stencil
def drag_v_adj_terms(k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj):
    """:func:`drag_adj_terms` of V cell (k, j, i), weighted by maskV dv_mix_adj."""
    kv = max(kbot[j, i], kbot[j + 1, i])
    if k != kv - 1:
        return 0.0, 0.0, 0.0, 0.0
    g = maskV[k, j, i] * dv_mix_adj[k, j, i]
    speed = speed_at_v(k, j, i, u, v, maskU)
    return drag_adj_terms(k, kv, v[k, j, i], speed, g, r_bot, r_quad_bot, dzt)


@adjoint_of(
    explicit_friction,
    reads=("u", "v", "lap_u", "lap_v"),
    updates=("du_mix", "dv_mix"),
    scalars=("r_bot", "r_quad_bot"),
    rows=("hu_x", "hu_y", "hv_x", "hv_y", "bu_x", "bu_y", "bv_x", "bv_y"),
)
@kernel(radius=1)
def explicit_friction_adj_u(
    k, j, i, u, lap_u, maskU, hu_x, hu_y, bu_x, bu_y, dxt, dxu, dyt, dyu, cost, cosu,
    biharmonic, du_mix_adj, u_adj, lap_u_adj, hu_x_adj, hu_y_adj, bu_x_adj, bu_y_adj, fbox,
):  # fmt: skip
    """Adjoint of the lateral friction of u (du_mix += maskU (lap_h u - lap_b lap_u), linear;
    du_mix_adj passes through unchanged): u and lap_u gather du_mix_adj through the two
    Laplacians, the rows their fluxes' shares. The output mask maskU is 0 or 1 and the
    Laplacian carries it already, so it is not applied twice."""
    u_adj[k, j, i] += laplacian_u_adj(
        k, j, i, du_mix_adj, maskU, hu_x, hu_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_u_rows_adj(
        k, j, i, u, du_mix_adj, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    hu_x_adj[k, j, i] += dcx
    hu_y_adj[k, j, i] += dcy
    if biharmonic:
        lap_u_adj[k, j, i] -= laplacian_u_adj(
            k, j, i, du_mix_adj, maskU, bu_x, bu_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        dcx, dcy = laplacian_u_rows_adj(
            k, j, i, lap_u, du_mix_adj, maskU, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        bu_x_adj[k, j, i] -= dcx
        bu_y_adj[k, j, i] -= dcy


@adjoint_of(explicit_friction)
@kernel(radius=1)
def explicit_friction_adj_v(
    k, j, i, v, lap_v, maskV, hv_x, hv_y, bv_x, bv_y, dxt, dxu, dyt, dyu, cost, cosu,
    biharmonic, dv_mix_adj, v_adj, lap_v_adj, hv_x_adj, hv_y_adj, bv_x_adj, bv_y_adj, fbox,
):  # fmt: skip
    """Adjoint of the lateral friction of v, as for u."""
    v_adj[k, j, i] += laplacian_v_adj(
        k, j, i, dv_mix_adj, maskV, hv_x, hv_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    dcx, dcy = laplacian_v_rows_adj(
        k, j, i, v, dv_mix_adj, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox
    )
    hv_x_adj[k, j, i] += dcx
    hv_y_adj[k, j, i] += dcy
    if biharmonic:
        lap_v_adj[k, j, i] -= laplacian_v_adj(
            k, j, i, dv_mix_adj, maskV, bv_x, bv_y, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        dcx, dcy = laplacian_v_rows_adj(
            k, j, i, lap_v, dv_mix_adj, maskV, dxt, dxu, dyt, dyu, cost, cosu, fbox
        )
        bv_x_adj[k, j, i] -= dcx
        bv_y_adj[k, j, i] -= dcy


@adjoint_of(explicit_friction)
@kernel(radius=1)
def explicit_friction_adj_drag(
    k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj, dv_mix_adj,
    u_adj, v_adj, r_bot_adj, r_quad_bot_adj, fbox,
):  # fmt: skip
    """Adjoint of the bottom drag -r_bot vel - r_quad_bot vel speed/dzt in the deepest wet
    cell: u (v) gathers its own drag's derivative and those of the 4 V (U) cells whose
    speed it enters; r_bot and r_quad_bot get this cell's contributions."""
    uc, vc = u[k, j, i], v[k, j, i]
    gu = 0.0
    gv = 0.0
    su = 0.0  # sum of d drag/d speed / speed of the U cells whose speed has v[k, j, i]
    sv = 0.0  # ... of the V cells whose speed has u[k, j, i]
    if in_box(k, j, i, fbox):
        a, b, dr, dq = drag_u_adj_terms(
            k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )
        gu += a + b * uc
        su += b
        r_bot_adj[k, j, i] += dr
        r_quad_bot_adj[k, j, i] += dq
        a, b, dr, dq = drag_v_adj_terms(
            k, j, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )
        gv += a + b * vc
        sv += b
        r_bot_adj[k, j, i] += dr
        r_quad_bot_adj[k, j, i] += dq
    # u[k, j, i] enters the speed of V cells (j, i), (j, i+1), (j-1, i), (j-1, i+1)
    if in_box(k, j, i + 1, fbox):
        sv += drag_v_adj_terms(
            k, j, i + 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )[1]
    if in_box(k, j - 1, i, fbox):
        sv += drag_v_adj_terms(
            k, j - 1, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )[1]
    if in_box(k, j - 1, i + 1, fbox):
        sv += drag_v_adj_terms(
            k, j - 1, i + 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, dv_mix_adj
        )[1]
    # v[k, j, i] enters the speed of U cells (j, i), (j+1, i), (j, i-1), (j+1, i-1)
    if in_box(k, j + 1, i, fbox):
        su += drag_u_adj_terms(
            k, j + 1, i, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )[1]
    if in_box(k, j, i - 1, fbox):
        su += drag_u_adj_terms(
            k, j, i - 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )[1]
    if in_box(k, j + 1, i - 1, fbox):
        su += drag_u_adj_terms(
            k, j + 1, i - 1, u, v, kbot, maskU, maskV, dzt, r_bot, r_quad_bot, du_mix_adj
        )[1]
    u_adj[k, j, i] += gu + 0.25 * maskU[k, j, i] * uc * sv
    v_adj[k, j, i] += gv + 0.25 * maskV[k, j, i] * vc * su

"""Isoneutral (Redi) diffusion and the Gent-McWilliams skew flux in the triad form of
Griffies et al. (1998) and Griffies (1998), as pyOM2 and Veros discretise them.

A tracer T [T] diffuses along neutral surfaces with diffusivity K_iso [m2 s-1] and is
stirred by the eddy-induced (GM) skew flux with thickness diffusivity K_gm [m2 s-1]:

    dT/dt = div(K_iso R grad T) + div(K_gm A grad T),

R the small-slope Redi tensor [[1, 0, S_x], [0, 1, S_y], [S_x, S_y, |S|^2]] and A the
antisymmetric skew tensor [[0, 0, -S_x], [0, 0, -S_y], [S_x, S_y, 0]]. The neutral slope
S = -(drho/dx) / (drho/dz) is evaluated on triads: each east (north) face pairs one of
the two T cells beside it with the W face below or above that cell, each top face pairs
one of its two T cells with the U (V) face west or east (south or north) of it. A slope
is tapered by 0.5 (1 + tanh((iso_slopec - |S|) / iso_dslope)); in neutral or unstable
stratification (drho/dz >= 0) S is huge and the taper removes it.

Fluxes of the horizontal components and of the off-diagonal vertical components are
explicit; the K_33 = K_iso |S|^2 part of the vertical flux is implicit (a tridiagonal
solve per column). Arrays are [k, j, i], k = 0 the deepest level. The tapered slopes of
the lateral faces' triads are ``triads[face, ip * 2 + kr, k, j, i]``: face EAST, NORTH
(Veros's Ai_ez, Ai_nz); ip picks the T cell (this one or the one across the face) and kr
its W face below/above. The top faces' triads (Veros's Ai_bx, Ai_by) are the same triads
seen from the W face (:func:`top_triad`): they are read from these, not stored again.
The tensor's diagonal is ``diagonal[0..2]`` = K_11 (east faces), K_22 (north faces),
K_33 (top faces).

Every triad (a T cell, one of its U or V faces, one of its W faces) belongs to one
lateral face and to one top face. The tensor is built in passes so that each slope
denominator and each triad's taper (an exponential, the dearest part) are computed once:
:func:`density_derivatives_at_t` inverts each cell's vertical density gradients,
:func:`isoneutral_tensor_lateral` forms the lateral faces' triads and keeps each one's
taper S^2, from which :func:`isoneutral_tensor_top` sums K_33 (a lateral triad's tapered
slope serves the top face too: its face mask is 1 wherever the slope is not 0, since the
face's density gradient carries the same mask)."""

from .core import kernel, stencil
from .elementary import exp_bounded
from .energy import on_wgrid
from .eos import density_derivatives

EAST, NORTH = 0, 1
#: added to the vertical density gradient in the slope's denominator [kg m-4]
EPSILON = 1e-20
#: |x| from which the taper 0.5 (1 + tanh(x)) is 0 or 1 to round-off
SATURATED = 22.0


@kernel(radius=0, static=("eos",))
def density_derivatives_at_t(
    k, j, i, eos, temp, salt, maskT, maskW, zt, dzw, drdT, drdS, inverse_below,
    inverse_above,
):  # fmt: skip
    """d rho/d T [kg m-3 K-1] and d rho/d S [kg m-3 (g/kg)-1] at T points, pressure -zt,
    and the cell's :func:`inverse_vertical_gradient` on its W faces below (k - 1; level 0:
    its own, unused) and above (k) [m4 kg-1]: the slope denominators of its triads, formed
    here once for the four faces whose triads use them."""
    d_temp, d_salt = density_derivatives(eos, temp[k, j, i], salt[k, j, i], -zt[k])
    masked_temp, masked_salt = maskT[k, j, i] * d_temp, maskT[k, j, i] * d_salt
    drdT[k, j, i] = masked_temp
    drdS[k, j, i] = masked_salt
    kw = max(k - 1, 0)
    below = vertical_density_gradient(masked_temp, masked_salt, j, i, temp, salt, maskW, dzw, kw)
    above = vertical_density_gradient(masked_temp, masked_salt, j, i, temp, salt, maskW, dzw, k)
    inverse_below[k, j, i] = inverse_vertical_gradient(below)
    inverse_above[k, j, i] = inverse_vertical_gradient(above)


@stencil
def tapered(slope, iso_slopec, iso_dslope):
    """The taper factor 0.5 (1 + tanh(x)) = 1 / (1 + exp(-2 x)), x = (iso_slopec - |S|) /
    iso_dslope, of slope S.

    Evaluated as 1 / (1 + exp(-2 x)) with ``elementary.exp_bounded`` (multiplies and adds
    alone, 5e-14 relative), not the C library's exp or tanh, whose calls keep the cell
    loop scalar. For |x| >= 22 the taper is 0 or 1 to round-off (exp(-44) ~ 1e-19) and is
    selected as such: in neutral or unstable stratification (S huge) and for steep
    slopes; every lane still evaluates the exponential, of the clamped x."""
    x = (-abs(slope) + iso_slopec) * (1.0 / iso_dslope)
    clamped = min(max(x, -SATURATED), SATURATED)
    smooth = 1.0 / (1.0 + exp_bounded(-2.0 * clamped))
    steep = 0.0 if x <= -SATURATED else smooth
    return 1.0 if x >= SATURATED else steep


@stencil
def inverse_vertical_gradient(drho_vertical):
    """1 / (min(0, drho_z) - 1e-20) [m4 kg-1]: the slope's denominator, inverted."""
    return 1.0 / (min(0.0, drho_vertical) - EPSILON)


@stencil
def neutral_slope(drho_horizontal, inverse_vertical):
    """S = -drho_h / (min(0, drho_z) - 1e-20), from the :func:`inverse_vertical_gradient`:
    finite only in stable stratification."""
    return -drho_horizontal * inverse_vertical


@stencil
def face_gradients(temp, salt, k, j, i, j2, i2, mask, spacing):
    """(d temp/ds, d salt/ds) on the face between cells (k, j, i) and (k, j2, i2), a
    distance ``spacing`` [m] apart, times the face mask: one division for the two."""
    scale = mask[k, j, i] / spacing
    return (temp[k, j2, i2] - temp[k, j, i]) * scale, (salt[k, j2, i2] - salt[k, j, i]) * scale


@stencil
def face_average(K, k, j, i, j2, i2):
    """K averaged over the T cells (j, i), (j2, i2) at levels k and k-1 (level 0 alone at
    the bottom): the diffusivity of the face between the two columns at level k."""
    if k == 0:
        return 0.5 * (K[0, j, i] + K[0, j2, i2])
    return 0.25 * (K[k, j, i] + K[k - 1, j, i] + K[k, j2, i2] + K[k - 1, j2, i2])


@stencil
def lateral_triad(
    present, horizontal, inverse_vertical, mask, diffusivity, dzw_kw, K_iso_steep,
    iso_slopec, iso_dslope,
):  # fmt: skip
    """One triad of a lateral face from its horizontal density gradient [kg m-4] and
    :func:`inverse_vertical_gradient` [m4 kg-1]: (its tapered slope times the face mask;
    taper S^2, for :func:`isoneutral_tensor_top`; its part of the face's K_11 (K_22) sum,
    dzw max(K_iso_steep, K taper) [m3 s-1]), all 0 if not ``present`` (below the bottom
    level). Selected values, not branches, so that the cell loop vectorises."""
    slope = neutral_slope(horizontal, inverse_vertical)
    taper = tapered(slope, iso_slopec, iso_dslope)
    triad = taper * slope * mask if present else 0.0
    steep = taper * slope**2 if present else 0.0
    part = dzw_kw * mask * max(K_iso_steep, diffusivity * taper) if present else 0.0
    return triad, steep, part


@stencil
def vertical_density_gradient(d_temp, d_salt, j, i, temp, salt, maskW, dzw, kw):
    """d rho/dz [kg m-4] on W face kw of column (j, i) with a T cell's d rho/d T and
    d rho/d S (``d_temp``, ``d_salt``), 0 at the surface (its differences are taken with
    the level itself there: no branch, so that the cell loop vectorises)."""
    above = min(kw + 1, temp.shape[0] - 1)
    difference = d_temp * (temp[above, j, i] - temp[kw, j, i]) + d_salt * (
        salt[above, j, i] - salt[kw, j, i]
    )
    return maskW[kw, j, i] * difference / dzw[kw]


@kernel(radius=1, static=("face",))
def isoneutral_tensor_lateral(
    k, j, i, face, temp, salt, drdT, drdS, inverse_below, inverse_above, K_iso, mask, dxu,
    dyu, cost, dzt, dzw, K_iso_steep, iso_slopec, iso_dslope, triad0, triad1, triad2,
    triad3, steep0, steep1, steep2, steep3, diagonal,
):  # fmt: skip
    """The four triads and the diagonal of the diffusion tensor on the east (``face`` =
    EAST, ``mask`` = maskU) or north (NORTH, maskV) face of cell (k, j, i) from temp, salt
    at tau and the outputs of :func:`density_derivatives_at_t`: triad<n> = tapered slope
    times the face mask of triad n = ip * 2 + kr (ip: this cell or the one across the
    face, kr: its W face below or above; those below the bottom level are 0), steep<n> =
    taper S^2 for :func:`isoneutral_tensor_top`, diagonal = K_11 (K_22) = sum dzw
    max(K_iso_steep, K taper) / (4 dzt) [m2 s-1]. Each output is its own array (views of
    the model's [face, n] arrays): LLVM then knows they do not overlap and vectorises."""
    j2, i2 = j + face, i + 1 - face  # the cell across the face
    spacing = dxu[i] * cost[j] if face == EAST else dyu[j]  # static: one is compiled
    grad_temp, grad_salt = face_gradients(temp, salt, k, j, i, j2, i2, mask, spacing)
    has_below = k > 0
    # always true; not the literal True: Numba's parfor analysis counts a literal passed to
    # an inlined helper as an alias and drops the noalias arguments LLVM vectorises with
    has_above = k >= 0
    below_level = max(k - 1, 0)
    diffusivity = face_average(K_iso, k, j, i, j2, i2)
    m = mask[k, j, i]
    horizontal = drdT[k, j, i] * grad_temp + drdS[k, j, i] * grad_salt
    horizontal2 = drdT[k, j2, i2] * grad_temp + drdS[k, j2, i2] * grad_salt
    t0, s0, p0 = lateral_triad(
        has_below, horizontal, inverse_below[k, j, i], m, diffusivity, dzw[below_level],
        K_iso_steep, iso_slopec, iso_dslope,
    )  # fmt: skip
    t2, s2, p2 = lateral_triad(
        has_below, horizontal2, inverse_below[k, j2, i2], m, diffusivity, dzw[below_level],
        K_iso_steep, iso_slopec, iso_dslope,
    )  # fmt: skip
    t1, s1, p1 = lateral_triad(
        has_above, horizontal, inverse_above[k, j, i], m, diffusivity, dzw[k], K_iso_steep,
        iso_slopec, iso_dslope,
    )  # fmt: skip
    t3, s3, p3 = lateral_triad(
        has_above, horizontal2, inverse_above[k, j2, i2], m, diffusivity, dzw[k],
        K_iso_steep, iso_slopec, iso_dslope,
    )  # fmt: skip
    triad0[k, j, i], triad1[k, j, i], triad2[k, j, i], triad3[k, j, i] = t0, t1, t2, t3
    steep0[k, j, i], steep1[k, j, i], steep2[k, j, i], steep3[k, j, i] = s0, s1, s2, s3
    total = 0.0
    total += p0
    total += p2
    total += p1
    total += p3
    diagonal[k, j, i] = total / (4.0 * dzt[k])


@stencil
def top_triad(triads, face, n, k, j, i, maskW):
    """Tapered slope of triad n = ip * 2 + kr of the top face of cell (k, j, i) in the x
    (``face`` EAST) or y (NORTH) direction: the lateral triad 3 - n of face (i - 1 + ip)
    (j - 1 + jp) at level k + kr, times maskW (Veros's Ai_bx, Ai_by; k below the top)."""
    ip, kr = n // 2, n % 2
    j2 = j if face == EAST else j - 1 + ip  # two selects, not a tuple: see lateral_triad_flux
    i2 = i - 1 + ip if face == EAST else i
    return triads[face, 3 - n, k + kr, j2, i2] * maskW[k, j, i]


@kernel(radius=1)
def isoneutral_tensor_top(
    k, j, i, K_iso, maskW, dxt, dxu, dyt, dyu, cost, cosu, steepness, diagonal
):  # fmt: skip
    """K_33 on the top face of cell (k, j, i) from the lateral triads' taper S^2
    (``steepness``, of :func:`isoneutral_tensor_lateral`, run first on this box widened by
    one cell to the west and south): the sum of K_iso taper S^2 over the top face's
    triads (:func:`top_triad`'s), dxu / (4 dxt) over x triads, cosu dyu / (4 cost dyt)
    over y triads [m2 s-1]; 0 at the surface (the level above clamped there: no branch)."""
    top = maskW.shape[0] - 1
    sum_x = 0.0
    sum_y = 0.0
    for kr in range(2):
        level = min(k + kr, top)
        for ip in range(2):
            face = i - 1 + ip
            steep = steepness[EAST, 3 - ip * 2 - kr, level, j, face]
            sum_x += dxu[face] * K_iso[k, j, i] * steep * maskW[k, j, i]
        for jp in range(2):
            face = j - 1 + jp
            steep = steepness[NORTH, 3 - jp * 2 - kr, level, face, i]
            sum_y += cosu[face] * dyu[face] * K_iso[k, j, i] * steep * maskW[k, j, i]
    value = sum_x / (4.0 * dxt[i]) + sum_y / (4.0 * dyt[j] * cost[j])
    diagonal[2, k, j, i] = value if k < top else 0.0


def lateral_box(box):
    """The box :func:`isoneutral_tensor_lateral` must cover for :func:`isoneutral_tensor_top`
    on ``box`` (k0, k1, j0, j1, i0, i1): one more row to the south, one more column to the
    west."""
    k0, k1, j0, j1, i0, i1 = box
    return (k0, k1, j0 - 1, j1, i0 - 1, i1)


@stencil
def vertical_difference(tracer, k, j, i, kr):
    """T(k + kr) - T(k + kr - 1) in column (j, i), 0 beyond the bottom or the surface."""
    upper = min(k + kr, tracer.shape[0] - 1)
    lower = max(k + kr - 1, 0)
    return tracer[upper, j, i] - tracer[lower, j, i]


@stencil
def lateral_triad_flux(tracer, triads, face, k, j, i, j2, i2, K1, K1_skew, dzt):
    """sums over the triads of the lateral ``face`` of K1 Ai (vertical difference) /
    (4 dzt): with K1 the face's K_iso (isoneutral) and with K1_skew its -K_gm (skew)."""
    total = 0.0
    total_skew = 0.0
    for kr in range(2):
        for ip in range(2):
            # two selects, not a tuple: a tuple chosen in a branch counts as an alias in
            # Numba's parfor analysis and costs the loop its noalias arguments
            jc = j if ip == 0 else j2
            ic = i if ip == 0 else i2
            slope = triads[face, ip * 2 + kr, k, j, i]
            difference = vertical_difference(tracer, k, jc, ic, kr)
            total += K1 * slope * difference
            total_skew += K1_skew * slope * difference
    return total / (4.0 * dzt[k]), total_skew / (4.0 * dzt[k])


@stencil
def tracer_fluxes(
    k, j, i, tracer, K_iso, K_gm, skew, triads, diagonal, maskW, dxt, dxu, dyt, dyu, dzt,
    cost, cosu, flux_east, flux_north, flux_top, skew_east, skew_north, skew_top,
):  # fmt: skip
    """Isoneutral fluxes of ``tracer`` at tau through the east, north and top faces of cell
    (k, j, i) [T m s-1] (the north flux times cosu) and, if ``skew``, its GM skew fluxes
    (``skew_*``). Lateral: triad terms with K1 = K_iso
    (skew: -K_gm) averaged onto the face, plus (isoneutral only) K_11 dT/dx; top: triad
    terms with K2 = K_iso (skew: K_gm) (the K_31 and K_32 parts; K_33 is left to the
    implicit solve), 0 at the surface."""
    east_gm = -face_average(K_gm, k, j, i, j, i + 1) if skew else 0.0
    north_gm = -face_average(K_gm, k, j, i, j + 1, i) if skew else 0.0
    east, east_skew = lateral_triad_flux(
        tracer, triads, EAST, k, j, i, j, i + 1, face_average(K_iso, k, j, i, j, i + 1),
        east_gm, dzt,
    )  # fmt: skip
    north, north_skew = lateral_triad_flux(
        tracer, triads, NORTH, k, j, i, j + 1, i, face_average(K_iso, k, j, i, j + 1, i),
        north_gm, dzt,
    )  # fmt: skip
    east += (tracer[k, j, i + 1] - tracer[k, j, i]) / (cost[j] * dxu[i]) * diagonal[0, k, j, i]
    north += (tracer[k, j + 1, i] - tracer[k, j, i]) / dyu[j] * diagonal[1, k, j, i]
    flux_east[k, j, i] = east
    flux_north[k, j, i] = cosu[j] * north
    if skew:
        skew_east[k, j, i] = east_skew
        skew_north[k, j, i] = cosu[j] * north_skew
    if k == tracer.shape[0] - 1:
        flux_top[k, j, i] = 0.0
        if skew:
            skew_top[k, j, i] = 0.0
        return
    K2 = K_iso[k, j, i]
    K2_skew = K_gm[k, j, i] if skew else 0.0
    sum_x = sum_x_skew = sum_y = sum_y_skew = 0.0
    for ip in range(2):
        for kr in range(2):
            level = k + kr
            difference = tracer[level, j, i + ip] - tracer[level, j, i - 1 + ip]
            slope = top_triad(triads, EAST, ip * 2 + kr, k, j, i, maskW)
            sum_x += K2 * slope / cost[j] * difference
            sum_x_skew += K2_skew * slope / cost[j] * difference
    for jp in range(2):
        for kr in range(2):
            level = k + kr
            difference = tracer[level, j + jp, i] - tracer[level, j - 1 + jp, i]
            slope = top_triad(triads, NORTH, jp * 2 + kr, k, j, i, maskW)
            sum_y += K2 * slope * cosu[j - 1 + jp] * difference
            sum_y_skew += K2_skew * slope * cosu[j - 1 + jp] * difference
    flux_top[k, j, i] = sum_x / (4.0 * dxt[i]) + sum_y / (4.0 * dyt[j] * cost[j])
    if skew:
        skew_top[k, j, i] = sum_x_skew / (4.0 * dxt[i]) + sum_y_skew / (4.0 * dyt[j] * cost[j])


@kernel(radius=1, static=("skew",))
def isoneutral_fluxes(
    k, j, i, tracer, K_iso, K_gm, skew, triads, diagonal, maskW, dxt, dxu, dyt, dyu, dzt,
    cost, cosu, flux_east, flux_north, flux_top, skew_east, skew_north, skew_top,
):  # fmt: skip
    """:func:`tracer_fluxes` of one tracer, from one read of the triads."""
    with_skew = skew != 0  # not the literal itself: Numba counts a literal as an alias
    tracer_fluxes(
        k, j, i, tracer, K_iso, K_gm, with_skew, triads, diagonal, maskW, dxt, dxu, dyt, dyu,
        dzt, cost, cosu, flux_east, flux_north, flux_top, skew_east, skew_north, skew_top,
    )  # fmt: skip


@kernel(radius=1, static=("skew",))
def isoneutral_fluxes_pair(
    k, j, i, tracer, other, K_iso, K_gm, skew, triads, diagonal, maskW, dxt, dxu, dyt, dyu,
    dzt, cost, cosu, flux_east, flux_north, flux_top, skew_east, skew_north, skew_top,
    other_east, other_north, other_top, other_skew_east, other_skew_north, other_skew_top,
):  # fmt: skip
    """:func:`tracer_fluxes` of two tracers (``tracer`` into the first six outputs,
    ``other`` into the ``other_*``) from one pass over the triads, the diagonal and the
    diffusivities, which one launch per tracer would read twice."""
    with_skew = skew != 0  # not the literal itself: Numba counts a literal as an alias
    tracer_fluxes(
        k, j, i, tracer, K_iso, K_gm, with_skew, triads, diagonal, maskW, dxt, dxu, dyt, dyu,
        dzt, cost, cosu, flux_east, flux_north, flux_top, skew_east, skew_north, skew_top,
    )  # fmt: skip
    tracer_fluxes(
        k, j, i, other, K_iso, K_gm, with_skew, triads, diagonal, maskW, dxt, dxu, dyt, dyu,
        dzt, cost, cosu, other_east, other_north, other_top, other_skew_east,
        other_skew_north, other_skew_top,
    )  # fmt: skip


@kernel(radius=1)
def isoneutral_update(
    k, j, i, flux_east, flux_north, flux_top, maskT, dxt, dyt, dzt, cost, dt, tracer_new
):  # fmt: skip
    """tracer_new += dt maskT div(F) [T] from the face fluxes of :func:`isoneutral_fluxes`
    (no flux through the bottom)."""
    lateral = maskT[k, j, i] * (
        (flux_east[k, j, i] - flux_east[k, j, i - 1]) / (cost[j] * dxt[i])
        + (flux_north[k, j, i] - flux_north[k, j - 1, i]) / (cost[j] * dyt[j])
    )
    below = flux_top[k - 1, j, i] if k > 0 else 0.0
    vertical = maskT[k, j, i] * (flux_top[k, j, i] - below) / dzt[k]
    tracer_new[k, j, i] += dt * (lateral + vertical)


@kernel(radius=0)
def isoneutral_vertical_delta(k, j, i, diagonal, dzw, dt, delta):
    """delta = dt K_33 / dzw [m] on the top face of cell (k, j, i), K_33 = diagonal[2]
    [m2 s-1]: the implicit part of the vertical isoneutral flux, solved by
    ``ocean.dynamics.implicit`` (no flux through the surface: 0 at the top)."""
    top = delta.shape[0] - 1
    delta[k, j, i] = dt / dzw[k] * diagonal[2, k, j, i] if k < top else 0.0


@kernel(radius=0, static=("iso",))
def isoneutral_dissipation(
    k, j, i, int_drho, lateral, flux_top, diagonal, tracer_new, iso, kbot, maskW, dzw, grav,
    rho_0, P_diss,
):  # fmt: skip
    """Adds to P_diss [m2 s-3] (W points) the potential energy the resolved flow loses to
    one pass of :func:`isoneutral_fluxes` of temperature or salinity: the lateral part
    (``lateral``, from ``energy.lateral_flux_dissipation``) on the W grid, and below the
    top -g/rho_0 d(int_drho)/dz times the vertical flux: the explicit one, plus (``iso``)
    the implicit K_33 dT/dz of the new tracer. One store, its value selected, so that the
    cell loop vectorises."""
    top = int_drho.shape[0] - 1
    above = min(k + 1, top)
    gradient = (-int_drho[above, j, i] + int_drho[k, j, i]) / dzw[k]
    flux = flux_top[k, j, i] * maskW[k, j, i]
    implicit = (tracer_new[above, j, i] - tracer_new[k, j, i]) / dzw[k]
    flux = flux + diagonal[2, k, j, i] * implicit * maskW[k, j, i] if iso else flux
    value = P_diss[k, j, i] + on_wgrid(lateral, k, j, i, kbot[j, i] - 1, dzw)
    P_diss[k, j, i] = value + -grav / rho_0 * gradient * flux if k < top else value

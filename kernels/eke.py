"""Mesoscale eddy kinetic energy closure (Eden & Greatbatch 2008) as pyOM2 and Veros
discretise it. EKE E [m2 s-2] lives at W points and obeys

    dE/dt = d/dz(alpha_eke kappaM dE/dz) + forcing - eke_c_eps sqrt(E)/L E
            + div_h(K_lat grad_h E) (+ advection)

with the forcing [m2 s-3] the energy the mean flow loses to eddies (lateral friction,
the GM skew flux and isoneutral mixing; the caller sums it), the eddy length scale
L = max(eke_lmin, min(eke_cross L_Rossby, eke_crhin L_Rhines)) [m] and the lateral
diffusivity K_lat = max(500, K_gm + K_gm east)/2 [m2 s-1]. From E come the thickness
diffusivity K_gm = min(eke_k_max, eke_c_k L sqrt(E)) and, if asked, K_iso = K_gm.
The dissipated energy eke_diss_iw goes to the internal waves (or TKE without IDEMIX).

Arrays are [k, j, i], k = 0 the deepest level; ``kbot`` is 1-based (0: land).
"""

from math import pi, sqrt

from .core import column_kernel, kernel, stencil

#: floor of |f| and of beta in the length scales [s-1, m-1 s-1]
TINY = 1e-16


@stencil
def rossby_radius(speed, j, i, coriolis_t, beta):
    """min(c / |f|, sqrt(c / (2 beta))) [m] of column (j, i) from the gravity-wave speed c."""
    return min(speed / max(abs(coriolis_t[j, i]), TINY), sqrt(speed / max(2.0 * beta[j, i], TINY)))


@kernel(radius=0, sweep=1)
def eke_rossby_radius_sweep(k, j, i, nsqr, maskW, dzw, coriolis_t, beta, L_rossby):
    """:func:`eke_rossby_radius` at level k of a sweep up the columns: the partial sum of
    c kept in L_rossby, the radius formed at the top level."""
    top = nsqr.shape[0] - 1
    previous = L_rossby[j, i]  # loaded unconditionally: see tridiagonal.eliminate_row
    speed = previous if k > 0 else 0.0
    speed += sqrt(max(0.0, nsqr[k, j, i])) * dzw[k] * maskW[k, j, i] / pi
    radius = rossby_radius(speed, j, i, coriolis_t, beta)
    L_rossby[j, i] = radius if k == top else speed


@column_kernel(radius=0, sweeps=(eke_rossby_radius_sweep,))
def eke_rossby_radius(j, i, nsqr, maskW, dzw, coriolis_t, beta, L_rossby):
    """L_Rossby = min(c / |f|, sqrt(c / (2 beta))) [m] of column (j, i) (mid-latitude and
    equatorial radii) from the first baroclinic gravity-wave speed c = sum_k
    sqrt(max(N^2, 0)) dzw maskW / pi [m s-1]."""
    speed = 0.0
    for k in range(nsqr.shape[0]):
        speed += sqrt(max(0.0, nsqr[k, j, i])) * dzw[k] * maskW[k, j, i] / pi
    L_rossby[j, i] = rossby_radius(speed, j, i, coriolis_t, beta)


@kernel(radius=0, static=("isopycnal",))
def eke_diffusivities(
    k, j, i, eke, beta, eke_lmin, eke_cross, eke_crhin, eke_c_k, eke_k_max, isopycnal,
    K_iso_0, L_rossby, L_rhines, sqrteke, eke_len, K_gm, K_iso,
):  # fmt: skip
    """Length scales and diffusivities at W point (k, j, i) from E at tau and the column's
    L_Rossby (:func:`eke_rossby_radius`): L_Rhines = sqrt(sqrt(E) / beta), L = max(eke_lmin,
    min(eke_cross L_Rossby, eke_crhin L_Rhines)) [m], K_gm = min(eke_k_max, eke_c_k L
    sqrt(E)) and K_iso (= K_gm if ``isopycnal``, else K_iso_0) [m2 s-1]."""
    root = sqrt(max(0.0, eke[k, j, i]))
    sqrteke[k, j, i] = root
    rhines = sqrt(root / max(beta[j, i], TINY))
    L_rhines[k, j, i] = rhines
    length = max(eke_lmin, min(eke_cross * L_rossby[j, i], eke_crhin * rhines))
    eke_len[k, j, i] = length
    diffusivity = min(eke_k_max, eke_c_k * length * root)
    K_gm[k, j, i] = diffusivity
    K_iso[k, j, i] = diffusivity if isopycnal else K_iso_0


@kernel(radius=0)
def eke_dissipation(k, j, i, sqrteke, eke_len, maskW, eke_c_eps, eke_new, eke_diss):
    """eke_diss = eke_c_eps sqrt(E^n)/L maskW E^{n+1} [m2 s-3], the energy handed on, after
    the implicit step of E (``energy_eliminate`` with alpha_eke and eke_c_eps)."""
    rate = eke_c_eps * sqrteke[k, j, i] / eke_len[k, j, i] * maskW[k, j, i]
    eke_diss[k, j, i] = rate * eke_new[k, j, i]


@stencil
def face_diffusivity(K_a, K_b):
    """max(500, K_a + K_b)/2 [m2 s-1]: the lateral diffusivity of E between two cells."""
    return 0.5 * max(500.0, K_a + K_b)


@kernel(radius=1)
def eke_lateral_diffusion(
    k, j, i, eke, K_gm, maskU, maskV, maskW, dxt, dxu, dyt, dyu, cost, cosu, dt, eke_new
):  # fmt: skip
    """Forward step of lateral diffusion of E at tau with the face diffusivity
    max(500, K_gm + K_gm neighbour)/2 [m2 s-1]: eke_new += dt maskW div(K grad E)."""
    east = (
        face_diffusivity(K_gm[k, j, i], K_gm[k, j, i + 1]) * (eke[k, j, i + 1] - eke[k, j, i])
        / (cost[j] * dxu[i]) * maskU[k, j, i]
    )  # fmt: skip
    west = (
        face_diffusivity(K_gm[k, j, i - 1], K_gm[k, j, i]) * (eke[k, j, i] - eke[k, j, i - 1])
        / (cost[j] * dxu[i - 1]) * maskU[k, j, i - 1]
    )  # fmt: skip
    north = (
        face_diffusivity(K_gm[k, j, i], K_gm[k, j + 1, i]) * (eke[k, j + 1, i] - eke[k, j, i])
        / dyu[j] * maskV[k, j, i] * cosu[j]
    )  # fmt: skip
    south = (
        face_diffusivity(K_gm[k, j - 1, i], K_gm[k, j, i]) * (eke[k, j, i] - eke[k, j - 1, i])
        / dyu[j - 1] * maskV[k, j - 1, i] * cosu[j - 1]
    )  # fmt: skip
    divergence = (east - west) / (cost[j] * dxt[i]) + (north - south) / (cost[j] * dyt[j])
    eke_new[k, j, i] += dt * maskW[k, j, i] * divergence


@kernel(radius=0)
def eke_energy_input(k, j, i, K_diss_h, P_diss_skew, P_diss_iso, forcing):
    """The energy transfers into EKE that exist here [m2 s-3]: the kinetic energy lateral
    friction dissipates, and what the GM skew flux and isoneutral mixing take from the
    resolved flow's potential energy (Veros's forcing K_diss_gm + K_diss_h - P_diss_skew -
    P_diss_hmix - P_diss_iso without the TEM-friction and lateral-diffusion terms)."""
    forcing[k, j, i] = K_diss_h[k, j, i] - P_diss_skew[k, j, i] - P_diss_iso[k, j, i]

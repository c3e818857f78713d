"""Turbulent kinetic energy closure (Gaspar et al. 1990) as pyOM2 and Veros discretise it.

E [m2 s-2] lives at W points and obeys

    dE/dt = d/dz(alpha_tke kappaM dE/dz) + forcing - c_eps E^(3/2)/L (+ K_h_tke lateral diffusion)

with forcing [m2 s-3] the sum of the energy transfers into TKE (shear production by
vertical friction minus buoyancy flux, and the other paths the caller adds) and a surface
flux forc_tke_surface [m3 s-3] into the top half box. From E and N^2 come the mixing length
L [m], the viscosity kappaM = c_k L sqrt(E) and the diffusivity kappaH = kappaM / Pr [m2 s-1]
with a Prandtl number Pr(Ri) = max(1, min(10, 6.6 Ri)).

Columns are indexed k = 0 (deepest) .. nz-1 (top); ``kbot`` is 1-based (0: land), as in
Veros, so a column's deepest wet level is kbot - 1.
"""

from math import sqrt

from .core import column_kernel, kernel, stencil
from .eos import density_derivatives
from .tridiagonal import eliminate_row

#: floor of N^2, K_diss_v/kappaM and of kappaM in the ratios below [s-2, m2 s-1]
TINY = 1e-12


@kernel(radius=0, static=("mxl_choice",))
def mixing_length(k, j, i, tke, nsqr, maskW, zw, dzw, ht, mxl_choice, mxl_min, sqrttke, mxl):
    """sqrt(E) and the mixing length L = sqrt(2) sqrt(E) / sqrt(max(N^2, 1e-12)) [m] at W
    point (k, j, i) from E (tau); with ``mxl_choice`` 1 bounded by the distances to the
    surface (-zw + dzw/2) and to the bottom (ht + zw) and floored at mxl_min (rule 2 is
    :func:`mixing_length_down`, :func:`mixing_length_up`, then the floor in
    :func:`tke_diffusivities`)."""
    root = sqrt(max(0.0, tke[k, j, i]))
    sqrttke[k, j, i] = root
    length = sqrt(2.0) * root / sqrt(max(TINY, nsqr[k, j, i])) * maskW[k, j, i]
    bounded = min(length, -zw[k] + 0.5 * dzw[k])
    bounded = max(min(bounded, ht[j, i] + zw[k]), mxl_min)
    mxl[k, j, i] = bounded if mxl_choice == 1 else length


@kernel(radius=0, sweep=-1)
def mixing_length_down(k, j, i, dzt, mxl):
    """Rule 2's downward sweep (launched below the top): L_k <= L_{k+1} + dzt_{k+1}."""
    mxl[k, j, i] = min(mxl[k, j, i], mxl[k + 1, j, i] + dzt[k + 1])


@kernel(radius=0, sweep=1)
def mixing_length_up(k, j, i, dzt, mxl_min, mxl):
    """Rule 2's top bound L_top <= mxl_min + dzt_top, then its upward sweep L_k <= L_{k-1}
    + dzt_k (the MITgcm/OPA rule; after :func:`mixing_length_down`)."""
    top = mxl.shape[0] - 1
    length = mxl[k, j, i]
    length = min(length, mxl_min + dzt[top]) if k == top else length
    below = mxl[max(k - 1, 0), j, i] + dzt[k]
    mxl[k, j, i] = min(length, below) if k > 0 else length


@kernel(radius=0, static=("mxl_choice", "prandtl_from_richardson", "idemix"))
def tke_diffusivities(
    k, j, i, nsqr, K_diss_v, mxl_choice, mxl_min, c_k, kappaM_min, kappaM_max, kappaH_min,
    prandtl_from_richardson, prandtl_0, kappaH_floor, idemix, alpha_c, E_iw, sqrttke, mxl,
    kappaM, kappaH, prandtl,
):  # fmt: skip
    """Viscosity, diffusivity and Prandtl number at W point (k, j, i) from sqrt(E) and the
    mixing length L (:func:`mixing_length`; with ``mxl_choice`` 2 floored here at mxl_min):
    kappaM = min(kappaM_max, c_k L sqrt(E)); Ri = N^2 / max(K_diss_v / max(kappaM, 1e-12),
    1e-12), with IDEMIX min(Ri, kappaM N^2 / max(alpha_c E_iw^2, 1e-12)); Pr = max(1,
    min(10, 6.6 Ri)) (or ``prandtl_0``); kappaH = max(kappaH_min, kappaM / Pr,
    kappaH_floor[k]) (``kappaH_floor``: the Bryan & Lewis (1979) profile, or zeros); last
    kappaM = max(kappaM_min, kappaM) [m2 s-1]."""
    length = max(mxl[k, j, i], mxl_min) if mxl_choice == 2 else mxl[k, j, i]
    mxl[k, j, i] = length
    km = min(kappaM_max, c_k * length * sqrttke[k, j, i])
    richardson = nsqr[k, j, i] / max(K_diss_v[k, j, i] / max(TINY, km), TINY)
    if idemix:  # a branch: without IDEMIX alpha_c and E_iw are 1x1x1 stand-ins
        waves = alpha_c[k, j, i] * E_iw[k, j, i] * E_iw[k, j, i]
        richardson = min(richardson, km * nsqr[k, j, i] / max(TINY, waves))
    pr = max(1.0, min(10.0, 6.6 * richardson)) if prandtl_from_richardson else prandtl_0
    prandtl[k, j, i] = pr
    kappaH[k, j, i] = max(max(kappaH_min, km / pr), kappaH_floor[k])
    kappaM[k, j, i] = max(kappaM_min, km)


@stencil
def exchange(kappaM_lower, kappaM_upper, dz, dt, alpha_tke):
    """delta = dt alpha_tke (kappaM_lower + kappaM_upper)/2 / dz [m]: the implicit diffusion
    between two W levels a T-cell thickness dz apart."""
    return dt * alpha_tke * 0.5 * (kappaM_lower + kappaM_upper) / dz


@kernel(radius=0, sweep=1)
def energy_eliminate(
    k, j, i, energy, production, transfer, sink, surface_flux, kappaM, sqrt_energy, length,
    kbot, dzt, dzw, dt, alpha, c_eps, work, energy_new,
):  # fmt: skip
    """Forward elimination, at level k in a sweep up the columns, of one implicit step of
    vertical diffusion and dissipation of a W-point energy E [m2 s-2] (TKE or EKE) on wet
    columns, into ``energy_new`` (the back substitution is
    ``tridiagonal.diffusion_back_substitute``):

    (E^{n+1} - E^n)/dt = d/dz(alpha kappaM dE^{n+1}/dz) + forcing
                         - c_eps sqrt(E^n)/L E^{n+1}   (dissipation linearised)
    with forcing = production + transfer - sink [m2 s-3], no flux through the bottom, the
    surface flux [m3 s-3] into the top box (half thickness dzw/2), and
    delta_k = dt alpha (kappaM_k + kappaM_{k+1})/2 / dzt_{k+1} [m] at the T level between
    W levels k and k+1. ``work`` gets the modified upper diagonal. Dry levels and land
    columns keep ``energy_new``; stores are unconditional, their values selected, so that
    the row loop vectorises.
    """
    top = energy.shape[0] - 1
    first = kbot[j, i] - 1
    wet = (first >= 0) & (k >= first)  # no short-circuit: see diffusion_eliminate
    inner = k > first
    above = min(k + 1, top)
    # loads unconditional, values selected (see tridiagonal.eliminate_row)
    below = max(k - 1, 0)
    delta_below = exchange(kappaM[below, j, i], kappaM[k, j, i], dzt[k], dt, alpha)
    delta_below = delta_below if inner else 0.0
    delta_above = exchange(kappaM[k, j, i], kappaM[above, j, i], dzt[above], dt, alpha)
    delta_above = delta_above if k < top else 0.0
    thickness = dzw[k] if (k < top or k == first) else 0.5 * dzw[k]
    lower = -delta_below / thickness
    upper = -delta_above / thickness
    diagonal = 1.0 - lower - upper + dt * c_eps * sqrt_energy[k, j, i] / length[k, j, i]
    forcing = production[k, j, i] + transfer[k, j, i] - sink[k, j, i]
    rhs = energy[k, j, i] + dt * forcing
    rhs = rhs + dt * surface_flux[j, i] / (0.5 * dzw[top]) if k == top else rhs
    eliminate_row(k, first, j, i, wet, lower, upper, diagonal, rhs, work, energy_new)


@kernel(radius=0)
def tke_dissipation(k, j, i, c_eps, mxl, sqrttke, tke_new, dissipation):
    """dissipation = c_eps sqrt(E^n)/L E^{n+1} [m2 s-3] after the implicit step of E."""
    dissipation[k, j, i] = c_eps / mxl[k, j, i] * sqrttke[k, j, i] * tke_new[k, j, i]


@column_kernel(radius=0)
def tke_surface_correction(j, i, dzw, dt, tke_new, surface_correction):
    """A negative top E is set to 0; the energy that takes is surface_correction =
    -E_top dzw/2 / dt [m3 s-3] (0 where E_top >= 0)."""
    top = tke_new.shape[0] - 1
    energy = tke_new[top, j, i]
    surface_correction[j, i] = -energy * 0.5 * dzw[top] / dt if energy < 0.0 else 0.0
    tke_new[top, j, i] = max(0.0, energy)


@kernel(radius=1)
def tke_lateral_diffusion(
    k, j, i, tke, maskU, maskV, maskW, dxt, dxu, dyt, dyu, cost, cosu, K_h_tke, dt, tke_new
):  # fmt: skip
    """Forward step of lateral diffusion of E at tau: tke_new += dt maskW div(K_h_tke grad E)
    with fluxes K (E_{i+1} - E_i)/(cos dxu) maskU east and K (E_{j+1} - E_j)/dyu maskV cosu
    north, divided by cos dxt and cos dyt [m2 s-2]."""
    east = K_h_tke * (tke[k, j, i + 1] - tke[k, j, i]) / (cost[j] * dxu[i]) * maskU[k, j, i]
    west = K_h_tke * (tke[k, j, i] - tke[k, j, i - 1]) / (cost[j] * dxu[i - 1]) * maskU[k, j, i - 1]
    north = K_h_tke * (tke[k, j + 1, i] - tke[k, j, i]) / dyu[j] * maskV[k, j, i] * cosu[j]
    south = (
        K_h_tke * (tke[k, j, i] - tke[k, j - 1, i]) / dyu[j - 1] * maskV[k, j - 1, i] * cosu[j - 1]
    )
    divergence = (east - west) / (cost[j] * dxt[i]) + (north - south) / (cost[j] * dyt[j])
    tke_new[k, j, i] += dt * maskW[k, j, i] * divergence


# -- the energy transfers into TKE (Veros with enable_conserve_energy = False) --------------
@stencil
def shear_dissipation(k, j, i, j2, i2, vel, vel_mix, kappaM, mask, dzw, dt):
    """Dissipation by implicit vertical friction at the W level above level k of the
    velocity column between T columns (j, i) and (j2, i2) [m2 s-3]: the shear of the old
    velocity times the stress kappaM d(vel*)/dz of the new one, vel* = vel + dt vel_mix."""
    face = 0.5 * (kappaM[k, j, i] + kappaM[k, j2, i2])
    new_shear = vel[k + 1, j, i] + dt * vel_mix[k + 1, j, i] - vel[k, j, i] - dt * vel_mix[k, j, i]
    stress = face * new_shear / dzw[k] * mask[k + 1, j, i] * mask[k, j, i]
    return (vel[k + 1, j, i] - vel[k, j, i]) * stress / dzw[k]


@kernel(radius=1)
def vertical_friction_dissipation(
    k, j, i, u, v, du_mix, dv_mix, kappaM, maskU, maskV, dzw, dxt, dxu, area_t, area_v, dt,
    K_diss_v,
):  # fmt: skip
    """K_diss_v [m2 s-3] at W point (k, j, i): the dissipation of ``shear_dissipation`` on
    the U faces east and west averaged to the T column with weights dxu/(2 dxt), plus the V
    faces north and south with weights area_v/(2 area_t); 0 at the top (where the level
    below is evaluated and discarded: a select, not a branch, so the cell loop
    vectorises). ``du_mix`` must hold the implicit vertical friction alone, on the faces
    west and south of the box too."""
    top = u.shape[0] - 1
    level = min(k, top - 1)
    east = shear_dissipation(level, j, i, j, i + 1, u, du_mix, kappaM, maskU, dzw, dt)
    west = shear_dissipation(level, j, i - 1, j, i, u, du_mix, kappaM, maskU, dzw, dt)
    north = shear_dissipation(level, j, i, j + 1, i, v, dv_mix, kappaM, maskV, dzw, dt)
    south = shear_dissipation(level, j - 1, i, j, i, v, dv_mix, kappaM, maskV, dzw, dt)
    value = (dxu[i] * east + dxu[i - 1] * west) / (2.0 * dxt[i]) + (
        area_v[j, i] * north + area_v[j - 1, i] * south
    ) / (2.0 * area_t[j, i])
    K_diss_v[k, j, i] = value if k < top else 0.0


@stencil
def surface_flux_of(rate, target, flux, now):
    """Downward surface flux of a tracer [tracer m s-1]: restoring rate (target - now) plus
    the prescribed flux (as ``tracer_vertical_mixing`` applies it)."""
    return rate * (target - now) + flux


@column_kernel(radius=0, static=("eos",))
def buoyancy_flux(
    j, i, eos, kappaH, nsqr, temp, salt, maskT, zt, temp_now, temp_rate, temp_target,
    temp_flux, salt_now, salt_rate, salt_target, salt_flux, grav, rho_0, P_diss_v,
):  # fmt: skip
    """P_diss_v [m2 s-3] at W points: kappaH N^2 below the top, and at the top the surface
    buoyancy flux -g/rho_0 (d rho/dT Q_T + d rho/dS Q_S) with the derivatives at the top
    cell's new ``temp`` and ``salt`` and the surface fluxes Q from the values ``*_now``
    (tau) they were applied with."""
    nz = kappaH.shape[0]
    for k in range(nz - 1):
        P_diss_v[k, j, i] = kappaH[k, j, i] * nsqr[k, j, i]
    top = nz - 1
    heat = surface_flux_of(temp_rate[j, i], temp_target[j, i], temp_flux[j, i], temp_now[top, j, i])
    fresh = surface_flux_of(
        salt_rate[j, i], salt_target[j, i], salt_flux[j, i], salt_now[top, j, i]
    )
    d_temp, d_salt = density_derivatives(eos, temp[top, j, i], salt[top, j, i], -zt[top])
    surface_density_flux = maskT[top, j, i] * (d_temp * heat + d_salt * fresh)
    P_diss_v[top, j, i] = -surface_density_flux * maskT[top, j, i] * grav / rho_0

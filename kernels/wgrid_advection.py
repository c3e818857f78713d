"""Advection of quantities that live at W points (TKE, and later EKE and IDEMIX energy),
as pyOM2 and Veros discretise it.

Velocities on the W grid [m s-1]: the lateral ones are the thickness-weighted means of the
two T levels a W level separates (u_w(k) = (u_{k+1} dzt_{k+1}/2 + u_k dzt_k/2) / dzw_k, the
top level only its lower half, the bottom level also the half below it); where a W face is
not wet on both sides the velocity moves one level up (scaled by dzw_k / dzw_{k+1}). The
vertical one closes continuity on the W boxes, integrated up from the bottom. Fluxes are
upwind or superbee-limited (``kernels/advection.py``'s face rule) with W-face masks
maskW_a maskW_b, and zero through the surface.
"""

from .advection import superbee_face
from .core import column_kernel, kernel, stencil
from .vertical import horizontal_divergence


@stencil
def lateral_velocity_w(k, j, i, vel, mask, dzt, dzw):
    """The T-level velocity ``vel`` (U or V column (j, i)) at W level k, before redirection."""
    nz = vel.shape[0]
    # products with the comparisons, not branches (reassignments in inlined branches upset
    # Numba's SSA pass); the level above the top is read but weighted by 0
    upper = min(k + 1, nz - 1)
    here = vel[k, j, i] * mask[k, j, i] * 0.5 * dzt[k] / dzw[k]
    above = vel[upper, j, i] * mask[upper, j, i] * 0.5 * dzt[upper] / dzw[k] * (k < nz - 1)
    below_bottom = vel[0, j, i] * mask[0, j, i] * 0.5 * dzt[0] / dzw[0] * (k == 0)
    return here + above + below_bottom


@kernel(radius=1)
def velocity_on_wgrid(k, j, i, u, v, maskU, maskV, maskW, dzt, dzw, u_wgrid, v_wgrid):
    """u_wgrid, v_wgrid [m s-1] on the east and north W faces of cell (k, j, i) (module
    docstring); the level below a dry face hands its velocity to the level above. Values
    selected, not branched on, so that the cell loop vectorises."""
    top = u.shape[0] - 1
    east = maskW[k, j, i] * maskW[k, j, i + 1] if k < top else 1.0
    north = maskW[k, j, i] * maskW[k, j + 1, i] if k < top else 1.0
    u_here = lateral_velocity_w(k, j, i, u, maskU, dzt, dzw)
    v_here = lateral_velocity_w(k, j, i, v, maskV, dzt, dzw)
    below = max(k - 1, 0)
    below_east = maskW[below, j, i] * maskW[below, j, i + 1]
    below_north = maskW[below, j, i] * maskW[below, j + 1, i]
    handed = dzw[below] / dzw[k]
    u_below = lateral_velocity_w(below, j, i, u, maskU, dzt, dzw)
    v_below = lateral_velocity_w(below, j, i, v, maskV, dzt, dzw)
    u_here = u_here + u_below * handed * (1.0 - below_east) if k > 0 else u_here
    v_here = v_here + v_below * handed * (1.0 - below_north) if k > 0 else v_here
    u_wgrid[k, j, i] = u_here * east
    v_wgrid[k, j, i] = v_here * north


@kernel(radius=1, sweep=1)
def vertical_velocity_on_wgrid_sweep(
    k, j, i, u_wgrid, v_wgrid, dxt, dyt, dzw, cost, cosu, w_wgrid
):  # fmt: skip
    """:func:`vertical_velocity_on_wgrid` at level k of a sweep up the columns."""
    divergence = horizontal_divergence(u_wgrid, v_wgrid, k, j, i, dxt, dyt, cost, cosu)
    previous = w_wgrid[max(k - 1, 0), j, i]  # unconditional: see tridiagonal.eliminate_row
    below = previous if k > 0 else 0.0
    w_wgrid[k, j, i] = below - dzw[k] * divergence


@column_kernel(radius=1, sweeps=(vertical_velocity_on_wgrid_sweep,))
def vertical_velocity_on_wgrid(
    j, i, u_wgrid, v_wgrid, dxt, dyt, dzw, cost, cosu, w_wgrid
):  # fmt: skip
    """w_wgrid [m s-1] at the top of W box k: -sum_{k' <= k} dzw_k' div(u_wgrid, v_wgrid)."""
    nz = u_wgrid.shape[0]
    total = 0.0
    for k in range(nz):
        divergence = horizontal_divergence(u_wgrid, v_wgrid, k, j, i, dxt, dyt, cost, cosu)
        total -= dzw[k] * divergence
        w_wgrid[k, j, i] = total


@stencil
def wface(vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant, superbee):
    """Flux through one W-grid face: superbee-limited, or upwind (the limiter at 0)."""
    if superbee:
        return superbee_face(vel, t_m1, t_0, t_p1, t_p2, m_m1, m_0, m_p1, courant)
    return vel * 0.5 * (t_0 + t_p1) - 0.5 * abs(vel) * (t_p1 - t_0) * m_0


@stencil
def wflux_east(k, j, i, e, u_wgrid, maskW, dxt, cost, dt, superbee):
    vel = u_wgrid[k, j, i]
    return wface(
        vel, e[k, j, i - 1], e[k, j, i], e[k, j, i + 1], e[k, j, i + 2],
        maskW[k, j, i - 1] * maskW[k, j, i], maskW[k, j, i] * maskW[k, j, i + 1],
        maskW[k, j, i + 1] * maskW[k, j, i + 2], abs(vel * dt / (cost[j] * dxt[i])), superbee,
    )  # fmt: skip


@stencil
def wflux_north(k, j, i, e, v_wgrid, maskW, dyt, cost, cosu, dt, superbee):
    vel = v_wgrid[k, j, i] * cosu[j]
    return wface(
        vel, e[k, j - 1, i], e[k, j, i], e[k, j + 1, i], e[k, j + 2, i],
        maskW[k, j - 1, i] * maskW[k, j, i], maskW[k, j, i] * maskW[k, j + 1, i],
        maskW[k, j + 1, i] * maskW[k, j + 2, i], abs(vel * dt / (cost[j] * dyt[j])), superbee,
    )  # fmt: skip


@stencil
def wface_mask_vertical(k, j, i, maskW):
    """maskW_k maskW_{k+1} on the face above W level k; 0 at and beyond the top level."""
    nz = maskW.shape[0]
    if k >= nz - 1:
        return 0.0
    return maskW[k, j, i] * maskW[k + 1, j, i]


@stencil
def wflux_top(k, j, i, e, w_wgrid, maskW, dzw, dt, superbee):
    """Flux through the face above W level k (0 at the top level and below the bottom);
    the column is edge-padded, as in Veros."""
    nz = e.shape[0]
    if k >= nz - 1 or k < 0:
        return 0.0
    vel = w_wgrid[k, j, i]
    km1, kp2 = max(k - 1, 0), min(k + 2, nz - 1)
    return wface(
        vel, e[km1, j, i], e[k, j, i], e[k + 1, j, i], e[kp2, j, i],
        wface_mask_vertical(km1, j, i, maskW), wface_mask_vertical(k, j, i, maskW),
        wface_mask_vertical(k + 1, j, i, maskW), abs(vel * dt / dzw[k]), superbee,
    )  # fmt: skip


@kernel(radius=2, static=("superbee",))
def wgrid_advection_step(
    k, j, i, e, u_wgrid, v_wgrid, w_wgrid, maskW, dxt, dyt, dzw, cost, cosu, dt, superbee,
    ab_new, ab_old, de, de_old, e_new,
):  # fmt: skip
    """de = -div(F) of W-point quantity e [e s-1] (lateral part masked by maskW; the top
    box has half thickness dzw/2), then the Adams-Bashforth step e_new += dt (ab_new de -
    ab_old de_old)."""
    # a bool variable for the helpers, not the static literal itself: a literal passed to
    # an inlined helper counts as an alias in Numba's parfor analysis (no noalias then)
    limited = superbee == 1
    fe = wflux_east(k, j, i, e, u_wgrid, maskW, dxt, cost, dt, limited)
    fw = wflux_east(k, j, i - 1, e, u_wgrid, maskW, dxt, cost, dt, limited)
    fn = wflux_north(k, j, i, e, v_wgrid, maskW, dyt, cost, cosu, dt, limited)
    fs = wflux_north(k, j - 1, i, e, v_wgrid, maskW, dyt, cost, cosu, dt, limited)
    nz = e.shape[0]
    thickness = 0.5 * dzw[k] if k == nz - 1 else dzw[k]
    ft = wflux_top(k, j, i, e, w_wgrid, maskW, dzw, dt, limited)
    fb = wflux_top(k - 1, j, i, e, w_wgrid, maskW, dzw, dt, limited)
    lateral = -(fe - fw) / (cost[j] * dxt[i]) - (fn - fs) / (cost[j] * dyt[j])
    de[k, j, i] = maskW[k, j, i] * lateral - (ft - fb) / thickness
    e_new[k, j, i] += dt * (ab_new * de[k, j, i] - ab_old * de_old[k, j, i])

"""Zanna & Bolton (2020) equation-discovered mesoscale momentum closure (MOM6 placement).

With the invariants of ``viscosity.py`` [s-1] (vorticity zeta and shearing strain D at
corners, tension D~ at T points) the subgrid stress [m2 s-2] is

    T = kappa [[ -zeta D + 0.5 (zeta^2 + D^2 + D~^2),  zeta D~                             ],
               [  zeta D~,                              zeta D + 0.5 (zeta^2 + D^2 + D~^2) ]]

with kappa = -gamma * (cell area) [m2] < 0 (gamma = ``zb2020_scaling``), and the forcing
is its divergence, du = d_x Txx + d_y Txy, dv = d_x Txy + d_y Tyy [m s-2]
(``viscosity.lateral_stress_divergence``). Txx and Tyy live at T points, where the corner
products zeta D, zeta^2 and D^2 are 4-point averages; Txy lives at corners, where D~ is
the 4-point average. kappa is masked like MOM6's: -gamma area_t maskT at T points,
-gamma area_q (corner mask) at corners, so no stress acts on or along land.
"""

from .core import kernel
from .viscosity import corner_mask, corner_strain, corner_vorticity, tension


@kernel(radius=1)
def zb2020_stress(
    k, j, i, u, v, maskT, dxt, dxu, dyt, dyu, cost, cosu, gamma, sxx, sxy, trace,
):  # fmt: skip
    """The Zanna-Bolton stress split for ``lateral_stress_divergence`` [m2 s-2]:

        sxx   = -kappa_T <zeta D>                                  (T point; Tyy - p = -sxx)
        trace = 0.5 kappa_T (<zeta^2> + <D^2> + D~^2)                (T point, isotropic p)
        sxy   = kappa_q zeta <D~>                                    (corner (j, i))

    <.> is the mean over the 4 corners around T (j, i), or the 4 T points around corner
    (j, i); kappa_T = -gamma cost dxt dyt maskT and kappa_q = -gamma cosu dxu dyu
    (corner mask) [m2], gamma [1]."""
    z0 = corner_vorticity(k, j, i, u, v, maskT, dxu, dyu, cost, cosu)
    d0 = corner_strain(k, j, i, u, v, maskT, dxu, dyu, cost, cosu)
    z1 = corner_vorticity(k, j - 1, i, u, v, maskT, dxu, dyu, cost, cosu)
    d1 = corner_strain(k, j - 1, i, u, v, maskT, dxu, dyu, cost, cosu)
    z2 = corner_vorticity(k, j, i - 1, u, v, maskT, dxu, dyu, cost, cosu)
    d2 = corner_strain(k, j, i - 1, u, v, maskT, dxu, dyu, cost, cosu)
    z3 = corner_vorticity(k, j - 1, i - 1, u, v, maskT, dxu, dyu, cost, cosu)
    d3 = corner_strain(k, j - 1, i - 1, u, v, maskT, dxu, dyu, cost, cosu)
    t0 = tension(k, j, i, u, v, dxt, dyt, cost, cosu)
    t_mean = 0.25 * (
        t0
        + tension(k, j + 1, i, u, v, dxt, dyt, cost, cosu)
        + tension(k, j, i + 1, u, v, dxt, dyt, cost, cosu)
        + tension(k, j + 1, i + 1, u, v, dxt, dyt, cost, cosu)
    )
    zd = 0.25 * (z0 * d0 + z1 * d1 + z2 * d2 + z3 * d3)
    zz = 0.25 * (z0 * z0 + z1 * z1 + z2 * z2 + z3 * z3)
    dd = 0.25 * (d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3)
    kappa_t = -gamma * cost[j] * dxt[i] * dyt[j] * maskT[k, j, i]
    kappa_q = -gamma * cosu[j] * dxu[i] * dyu[j] * corner_mask(k, j, i, maskT)
    sxx[k, j, i] = -kappa_t * zd
    trace[k, j, i] = 0.5 * kappa_t * (zz + dd + t0 * t0)
    sxy[k, j, i] = kappa_q * z0 * t_mean

"""Gent & McWilliams (1990) thickness closure: eddy-induced (bolus) advection of tracers.

Sign of the streamfunction (why GM releases available potential energy). In the x-z
plane let S = -rho_x / rho_z be the slope of the isopycnals (dz/dx along rho = const;
rho_z < 0 where the column is stable) and let the eddy-induced velocity derive from a
streamfunction psi that vanishes on the boundaries:

    u* = -d psi / dz,    w* = +d psi / dx    (div u* = -psi_zx + psi_xz = 0).

The potential energy PE = int g rho z dV changes under d rho/dt = -div(u* rho) by

    dPE/dt = -int g z div(u* rho) dV = int g rho (u* . grad z) dV = int g rho w* dV
           = int g rho psi_x dV = -int g psi rho_x dV,

(integrating by parts twice; no flux through the boundaries, psi = 0 there). With
psi = +K S = -K rho_x / rho_z this is dPE/dt = int g K rho_x^2 / rho_z dV <= 0: PE (and
so the available potential energy) falls, and the isopycnals flatten. In y likewise with
S_y = -rho_y / rho_z, v* = -d psi_y / dz. So psi = +K_gm S for S defined as -grad_h rho /
rho_z; the opposite sign would steepen the isopycnals and feed the APE.

Discretisation (C-grid, k = 0 the bottom level):

- ``rho_z`` from N^2 (the model's N^2 at W points brings the upper cell to the lower cell's
  pressure, so this is the local potential-density gradient, correct for non-linear
  equations of state): rho_z = -rho_0 N^2 / g, hence S = g (d rho/dx) / (rho_0 N^2).
- psi_x lives at the east face of T cell (j, i) on the W level k (the top of cell k):
  d rho/dx is the face difference averaged over the levels k and k+1, N^2 the mean of the
  W-point values of the columns i and i+1. psi_y likewise at north faces (cosu enters
  through the transport, see below). psi is zero at the surface (k = nz-1), below the
  deepest wet face and at land faces (both U cells k and k+1 must be wet), and where the
  stratification is unstable or too weak: N^2 <= ``n2_min`` (the closure passes 1e-12
  s-2; with a weaker but positive N^2 the slope is large and the taper removes it).
- Taper (the Veros / Danabasoglu & McWilliams (1995) tanh form, ``dm_taper``):
  psi = K_gm f(|S|) S with f = (1 + tanh((S_max - |S|) / S_d)) / 2; beyond
  S_max + 20 S_d, where tanh is -1 to double precision, psi = 0 exactly (so huge slopes
  cannot give inf * 0).
- u* = -(psi_x[k] - psi_x[k-1]) / dzt[k] at U points, v* likewise at V points,
  w*[k] = (psi_x[k, i] - psi_x[k, i-1]) / (cost dxt) + (cosu_j psi_y[k, j] -
  cosu_{j-1} psi_y[k, j-1]) / (cost dyt) at W points: the discrete divergence of
  (u*, v*, w*) in the model's form vanishes identically (the psi differences telescope),
  and w* = 0 at the surface and the bottom.
- The tendency is -div(u* T) with centred face values in flux form: the flux through a
  face is one expression evaluated identically by both neighbours, so sum(T dV) is
  conserved to round-off, and a uniform tracer has no tendency (div u* = 0).

All arrays are [k, j, i]; psi [m2 s-1], velocities [m s-1], tendencies [tracer s-1].
"""

from math import tanh

from .core import column_kernel, kernel, stencil


@stencil
def slope_taper(slope, slope_max, slope_width):
    """(1 + tanh((S_max - |S|) / S_d)) / 2, exactly 0 beyond S_max + 20 S_d."""
    s = abs(slope)
    if slope_width <= 0.0:
        if s < slope_max:
            return 1.0
        return 0.0
    if s >= slope_max + 20.0 * slope_width:
        return 0.0
    return 0.5 * (1.0 + tanh((slope_max - s) / slope_width))


@stencil
def gm_psi(drho_dh, n2, K_gm, grav, rho_0, n2_min, slope_max, slope_width):
    """K_gm f(S) S with S = g (d rho / dh) / (rho_0 N^2); zero where N^2 <= n2_min."""
    if n2 <= n2_min:
        return 0.0
    slope = grav * drho_dh / (rho_0 * n2)
    return K_gm * slope_taper(slope, slope_max, slope_width) * slope


@column_kernel(radius=1)
def gm_streamfunction(
    j, i, rho, nsqr, maskU, maskV, dxu, dyu, cost,
    K_gm, grav, rho_0, n2_min, slope_max, slope_width, psi_x, psi_y,
):  # fmt: skip
    """psi_x at (east face, W level k) and psi_y at (north face, W level k) [m2 s-1] of
    the column (j, i), from rho and N^2 at tau; zero at k = nz-1 and wherever one of the
    two faces (k, k+1) is dry."""
    nz = rho.shape[0]
    for k in range(nz):
        px = 0.0
        py = 0.0
        if k < nz - 1:
            wet = maskU[k, j, i] * maskU[k + 1, j, i]
            if wet > 0.0:
                east = rho[k, j, i + 1] - rho[k, j, i]
                east_above = rho[k + 1, j, i + 1] - rho[k + 1, j, i]
                drdx = 0.5 * (east + east_above) / (cost[j] * dxu[i])
                n2 = 0.5 * (nsqr[k, j, i] + nsqr[k, j, i + 1])
                px = wet * gm_psi(drdx, n2, K_gm, grav, rho_0, n2_min, slope_max, slope_width)
            wet = maskV[k, j, i] * maskV[k + 1, j, i]
            if wet > 0.0:
                north = rho[k, j + 1, i] - rho[k, j, i]
                north_above = rho[k + 1, j + 1, i] - rho[k + 1, j, i]
                drdy = 0.5 * (north + north_above) / dyu[j]
                n2 = 0.5 * (nsqr[k, j, i] + nsqr[k, j + 1, i])
                py = wet * gm_psi(drdy, n2, K_gm, grav, rho_0, n2_min, slope_max, slope_width)
        psi_x[k, j, i] = px
        psi_y[k, j, i] = py


@stencil
def gm_face_velocity(k, j, i, psi, dzt):
    """u* (psi = psi_x) or v* (psi = psi_y) of the face (k, j, i): -d psi / dz, with psi
    taken as zero below the bottom level and at the surface."""
    nz = psi.shape[0]
    if k == nz - 1:
        if k == 0:
            return 0.0
        return psi[k - 1, j, i] / dzt[k]
    if k == 0:
        return -psi[k, j, i] / dzt[k]
    return (psi[k - 1, j, i] - psi[k, j, i]) / dzt[k]


@stencil
def gm_vertical_velocity(k, j, i, psi_x, psi_y, dxt, dyt, cost, cosu):
    """w* at the top face of cell k: the horizontal divergence of psi; zero at the
    surface and below the bottom level (k < 0)."""
    nz = psi_x.shape[0]
    if k < 0 or k >= nz - 1:
        return 0.0
    return (psi_x[k, j, i] - psi_x[k, j, i - 1]) / (cost[j] * dxt[i]) + (
        cosu[j] * psi_y[k, j, i] - cosu[j - 1] * psi_y[k, j - 1, i]
    ) / (cost[j] * dyt[j])


@column_kernel(radius=1)
def gm_velocity(j, i, psi_x, psi_y, dxt, dyt, dzt, cost, cosu, u_star, v_star, w_star):
    """Eddy-induced velocities of the column (j, i) [m s-1] (diagnostics and tests; the
    tendency kernel recomputes them from psi)."""
    nz = psi_x.shape[0]
    for k in range(nz):
        u_star[k, j, i] = gm_face_velocity(k, j, i, psi_x, dzt)
        v_star[k, j, i] = gm_face_velocity(k, j, i, psi_y, dzt)
        w_star[k, j, i] = gm_vertical_velocity(k, j, i, psi_x, psi_y, dxt, dyt, cost, cosu)


@kernel(radius=1)
def gm_tracer_tendency(k, j, i, t, psi_x, psi_y, maskT, dxt, dyt, dzt, cost, cosu, tend):
    """-div(u* T) at T [tracer s-1]: centred face values, flux form (no flux through
    dry faces, the surface and the bottom, where u* and w* vanish)."""
    nz = t.shape[0]
    fe = gm_face_velocity(k, j, i, psi_x, dzt) * 0.5 * (t[k, j, i] + t[k, j, i + 1])
    fw = gm_face_velocity(k, j, i - 1, psi_x, dzt) * 0.5 * (t[k, j, i - 1] + t[k, j, i])
    fn = cosu[j] * gm_face_velocity(k, j, i, psi_y, dzt) * 0.5 * (t[k, j, i] + t[k, j + 1, i])
    fs = (
        cosu[j - 1]
        * gm_face_velocity(k, j - 1, i, psi_y, dzt)
        * 0.5
        * (t[k, j - 1, i] + t[k, j, i])
    )
    ft = 0.0
    if k < nz - 1:
        ft = gm_vertical_velocity(k, j, i, psi_x, psi_y, dxt, dyt, cost, cosu) * (
            0.5 * (t[k, j, i] + t[k + 1, j, i])
        )
    fb = 0.0
    if k > 0:
        fb = gm_vertical_velocity(k - 1, j, i, psi_x, psi_y, dxt, dyt, cost, cosu) * (
            0.5 * (t[k - 1, j, i] + t[k, j, i])
        )
    tend[k, j, i] = maskT[k, j, i] * (
        -(fe - fw) / (cost[j] * dxt[i]) - (fn - fs) / (cost[j] * dyt[j]) - (ft - fb) / dzt[k]
    )

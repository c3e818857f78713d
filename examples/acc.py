"""Antarctic Circumpolar Current channel: the configuration of Veros's ``acc`` setup.

A zonally periodic channel (2 deg, 30 x 42 x 15) on the sphere from 42S to 42N with a
land barrier north of 20S, westerly winds over the channel, easterlies in the north and
surface temperature restoring; the TKE closure, isoneutral mixing with GM and the EKE
closure with Veros's parameters, and Veros's default external mode: the barotropic
streamfunction with island integrals (the channel makes two land masses).
"""

import numpy as np

from ocean import Setup

DAY = 86400.0
DEGTOM = 6370e3 * np.pi / 180.0


#: Veros's halo width: its ACC forcing is defined with the coordinates of its halo cells
VEROS_HALO = 2


class ACC(Setup):
    name = "acc"

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 30, 42, 15
        s.dt_mom = 4800.0
        s.dt_tracer = 86400.0 / 2.0
        s.runlen = 365 * DAY
        s.coord_degree, s.enable_cyclic_x = True, True
        s.x_origin, s.y_origin = 0.0, -40.0
        s.eq_of_state = "nonlinear_vallis"
        s.external_mode = "streamfunction"  # Veros's default: two land masses here
        s.congr_coarse_tile = 4  # PCG coarse correction on 4 x 4 tiles
        s.A_h = (2 * DEGTOM) ** 3 * 2e-11
        s.enable_hor_friction_cos_scaling, s.hor_friction_cosPower = True, 1
        s.r_bot = 1e-5
        s.enable_implicit_vert_friction = True
        s.enable_tke = True
        s.c_k, s.c_eps, s.alpha_tke = 0.1, 0.7, 30.0
        s.mxl_min, s.tke_mxl_choice = 1e-8, 2
        s.kappaM_min, s.kappaH_min = 2e-4, 2e-5
        s.enable_kappaH_profile = True
        s.kappaM_0, s.kappaH_0 = 1e-3, 2e-5  # used with -s enable_tke false
        s.enable_neutral_diffusion, s.enable_skew_diffusion = True, True
        s.K_iso_0, s.K_iso_steep, s.K_gm_0 = 1000.0, 500.0, 1000.0
        s.iso_dslope, s.iso_slopec = 0.005, 0.01
        s.enable_eke, s.enable_eke_isopycnal_diffusion = True, True
        s.eke_k_max, s.eke_c_k, s.eke_c_eps = 1e4, 0.4, 0.5
        s.eke_cross, s.eke_crhin, s.eke_lmin = 2.0, 1.0, 100.0
        s.enable_eke_superbee_advection = True
        s.tracer_advection = "centred"  # Veros: enable_superbee_advection is off in its acc
        s.snapshot_frequency = 10 * DAY
        s.averages_frequency = 365 * DAY
        s.averages_sampling = 10

    def set_grid(self, grid):
        grid.dxt = np.full(grid.nx, 2.0)
        grid.dyt = np.full(grid.ny, 2.0)
        layers = np.array([50, 70, 100, 140, 190, 240, 290, 340, 390, 440, 490, 540, 590, 640, 690])
        dzt = layers[::-1] / 2.5  # 276 m at the bottom to 20 m at the top, 2080 m in all
        if grid.nz != dzt.size:  # other level counts (-s nz N): uniform, as Veros's benchmark
            dzt = np.full(grid.nz, dzt.sum() / grid.nz)
        grid.dzt = dzt

    def set_coriolis(self, grid):
        _, lat = grid.coords("T", halo=True)
        grid.coriolis_t = 2 * grid.omega * np.sin(np.deg2rad(lat))

    def set_topography(self, grid):
        x, y = grid.coords("T")
        grid.kbot = np.where((x > 1.0) | (y < -20.0), 1, 0)

    def set_initial_conditions(self, state):
        g = state.grid
        temp = 15.0 * (1.0 - g.zt / g.zw[0])
        state.set("temp", temp[:, None, None] * g.maskT[(slice(None),) + g.interior])
        state.set("salt", 35.0 * g.maskT[(slice(None),) + g.interior])

    def set_forcing(self, state):
        g = state.grid
        # Veros defines the forcing with the extremes of its coordinates, which include its
        # 2 halo cells: take the same points, whatever this run's halo width
        first, last = g.h - VEROS_HALO, g.h + g.ny_global - 1 + VEROS_HALO
        yt_min, yt_max = g.yt_global[first], g.yt_global[last]
        yu_min, yu_max = g.yu_global[first], g.yu_global[last]
        _, yu = g.coords("V")  # Veros evaluates the wind at yu (V-point latitudes) ...
        _, yt = g.coords("T")  # ... and selects the rows by yt
        taux = np.where(yt < -20, 0.1 * np.sin(np.pi * (yu - yu_min) / (-20.0 - yt_min)), 0.0)
        north = 0.1 * (1 - np.cos(2 * np.pi * (yu - 10.0) / (yu_max - 10.0)))
        taux = np.where(yt > 10, north, taux)
        top = (-1,) + g.interior
        state.set("surface_taux", taux * g.maskU[top])
        t_star = np.where(yt < -20, 15 * (yt - yt_min) / (-20 - yt_min), 15.0)
        t_star = np.where(yt > 20, 15 * (1 - (yt - 20) / (yt_max - 20)), t_star)
        state.set("temp_surface_target", t_star)
        state.set("temp_surface_rate", g.dzt[-1] / (30 * DAY) * g.maskT[top])
        if state.settings.enable_tke:
            state.set("forc_tke_surface", friction_velocity_cubed(state))
        if state.settings.enable_idemix:  # Veros's acc: uniform wave energy input [m3 s-3]
            state.set("forc_iw_bottom", 1e-6 * g.maskW[top])
            state.set("forc_iw_surface", 1e-7 * g.maskW[top])


def friction_velocity_cubed(state):
    """u*^3 = (|tau| / rho_0)^(3/2) [m3 s-3] at T points, the wind stress averaged from the
    faces west/east and south/north (as Veros's acc)."""
    taux = state.get("surface_taux", halo=True)
    tauy = state.get("surface_tauy", halo=True)
    taux_t = 0.5 * (taux + np.roll(taux, 1, axis=1))
    tauy_t = 0.5 * (tauy + np.roll(tauy, 1, axis=0))
    rho_0 = state.settings.rho_0
    ustar3 = np.sqrt((taux_t / rho_0) ** 2 + (tauy_t / rho_0) ** 2) ** 1.5
    return ustar3[state.grid.interior]

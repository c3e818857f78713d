"""Tracer sources in a basin at rest: surface restoring, sponge, convection, passive tracers.

With u = v = 0 (``prescribed_velocity``) and no diffusion, each source has a closed-form
discrete solution, so these tests hold to round-off:
- surface restoring is a flux Q = r (T* - T_top) [K m s-1] from T at tau added to the top
  cell: T_top - T* shrinks by (1 - dt r / dz_top) per step;
- the sponge relaxes T at rate s [s-1], forward Euler: T - T_s shrinks by (1 - dt s);
- convection: where N^2 < 0 the diffusivity is kappaH_convective and the column mixes
  until stable, conserving heat.
"""

import numpy as np
import pytest

from ocean import Model, Setup

DT = 3600.0
DZ = np.array([100.0, 90.0, 80.0, 70.0])  # smooth enough for the u-centred grid


class Column(Setup):
    def __init__(self, temp, **settings):
        self.temp, self.extra = temp, settings

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 3, 3, DZ.size
        s.dt_mom = s.dt_tracer = DT
        s.prescribed_velocity = True
        s.kappaH_0 = 0.0
        s.eq_of_state = "linear"
        s.passive_tracers = ("dye",)
        for key, value in self.extra.items():
            s[key] = value

    def set_grid(self, grid):
        grid.dxt, grid.dyt, grid.dzt = np.full(3, 1e4), np.full(3, 1e4), DZ

    def set_initial_conditions(self, state):
        state.set("temp", np.asarray(self.temp, float)[:, None, None])
        state.set("salt", 35.0)
        state.set("dye", np.arange(DZ.size, dtype=float)[:, None, None])


def test_surface_restoring_decays_geometrically():
    rate, target = DZ[-1] / (10 * 86400), 20.0  # 10-day restoring of the top cell
    model = Model(Column([10.0, 10.0, 10.0, 10.0], enable_convective_mixing=False))
    model.state.set("temp_surface_rate", rate)
    model.state.set("temp_surface_target", target)
    model.run(48)
    factor = (1 - DT * rate / DZ[-1]) ** 48
    top = model.state.get("temp")[-1]
    np.testing.assert_allclose(top, target + (10.0 - target) * factor, rtol=1e-13)
    np.testing.assert_array_equal(model.state.get("temp")[:-1], 10.0)  # no mixing below


def test_surface_flux_heats_the_top_cell():
    flux = 1e-4  # [K m s-1], about 420 W m-2
    model = Model(Column([10.0] * 4, enable_convective_mixing=False))
    model.state.set("temp_surface_flux", flux)
    model.run(24)
    np.testing.assert_allclose(model.state.get("temp")[-1], 10.0 + 24 * DT * flux / DZ[-1])


def test_sponge_relaxes_at_its_rate():
    model = Model(Column([10.0] * 4, enable_sponge=True, enable_convective_mixing=False))
    model.state.set("sponge_rate", np.array([1e-5, 0.0, 0.0, 0.0])[:, None, None])
    model.state.set("temp_sponge_target", 4.0)
    model.run(30)
    temp = model.state.get("temp")
    np.testing.assert_allclose(temp[0], 4.0 + 6.0 * (1 - DT * 1e-5) ** 30, rtol=1e-13)
    np.testing.assert_array_equal(temp[1:], 10.0)


def test_convection_mixes_an_unstable_column_and_conserves_heat():
    temp = [12.0, 10.0, 8.0, 2.0]  # cold over warm: unstable everywhere
    model = Model(Column(temp, kappaH_convective=10.0))
    heat0 = (model.state.get("temp")[:, 1, 1] * DZ).sum()
    model.run(20)
    column = model.state.get("temp")[:, 1, 1]
    assert (column * DZ).sum() == pytest.approx(heat0, rel=1e-13)
    assert column.max() - column.min() < 1e-3  # well mixed: the spread was 10 K
    nsqr = model.backend.to_host(model.state.Nsqr[model.state.tau])[:-1, 2, 2]
    assert nsqr.min() > -1e-9  # no longer unstable


def test_passive_tracer_is_carried_and_conserved():
    model = Model(Column([2.0, 8.0, 10.0, 12.0], kappaH_0=1e-2))
    dye0 = (model.state.get("dye")[:, 1, 1] * DZ).sum()
    model.run(50)
    dye = model.state.get("dye")[:, 1, 1]
    assert (dye * DZ).sum() == pytest.approx(dye0, rel=1e-13)
    assert np.ptp(dye) < 3.0 * 0.9  # diffusion has smoothed the profile

"""Grid construction against the pyOM2/Veros facts (physics-facts.md section B)."""

import numpy as np
import pytest

from ocean.errors import SetupError
from ocean.grid import Grid, u_centred
from ocean.settings import Settings


def acc_grid(example_setup):
    setup = example_setup("acc")()
    s = Settings(extra=setup.extra_settings)
    setup.set_parameter(s)
    g = Grid(s)
    setup.set_grid(g)
    g.build_coordinates()
    setup.set_coriolis(g)
    setup.set_topography(g)
    g.build()
    return g


def test_acc_coordinates_match_veros(example_setup):
    g = acc_grid(example_setup)
    h = g.h
    # origin is the north/east face of the first interior cell
    assert g.yu[h] == pytest.approx(-40.0) and g.yt[h] == pytest.approx(-41.0)
    assert g.yu[h + g.ny - 1] == pytest.approx(42.0)  # domain -42 .. 42 deg
    assert g.xt[h] == pytest.approx(-1.0) and g.xu[h] == pytest.approx(0.0)
    # u-centred vertical grid: the top T point is at -14 m with dzw 28 m (dzt top = 20 m)
    assert g.zw[-1] == 0.0
    assert g.zt[-1] == pytest.approx(-14.0) and g.dzw[-1] == pytest.approx(28.0)
    assert g.dzt.sum() == pytest.approx(2080.0)


def test_acc_masks_and_barrier(example_setup):
    g = acc_grid(example_setup)
    inner = g.maskT[(slice(None),) + g.interior]
    x, y = g.coords("T")
    land = (x <= 1.0) & (y >= -20.0)
    assert land.sum() == 2 * np.count_nonzero(y[:, 0] >= -20.0)  # two land columns
    assert np.all(inner[:, land] == 0) and np.all(inner[:, ~land] == 1)
    # maskU is the minimum of the two adjacent T masks, periodic in x
    assert np.array_equal(g.maskU[:, :, :-1], np.minimum(g.maskT[:, :, :-1], g.maskT[:, :, 1:]))
    assert np.array_equal(g.maskT[:, :, : g.h], g.maskT[:, :, g.nx : g.nx + g.h])
    # y halos are land
    assert np.all(g.kbot[: g.h] == 0) and np.all(g.kbot[-g.h :] == 0)


def test_spherical_metrics(example_setup):
    g = acc_grid(example_setup)
    degtom = 6370e3 * np.pi / 180
    assert np.allclose(g.dxt_m, 2.0 * degtom) and np.allclose(g.cost, np.cos(np.deg2rad(g.yt)))
    assert np.allclose(g.area_t, g.cost[:, None] * g.dyt_m[:, None] * g.dxt_m[None, :])


def test_u_centred_faces_are_midpoints():
    widths = np.linspace(500.0, 100.0, 10)
    centres, faces, spacing = u_centred(widths)
    assert np.allclose(faces[:-1], 0.5 * (centres[:-1] + centres[1:]))
    assert np.allclose(spacing[:-1], np.diff(centres))
    assert np.allclose(np.diff(faces), widths[1:])


def test_bad_kbot_is_rejected():
    s = Settings(overrides={"nx": 4, "ny": 3, "nz": 2})
    g = Grid(s)
    g.dxt, g.dyt, g.dzt = np.ones(4), np.ones(3), np.ones(2)
    g.build_coordinates()
    g.kbot = np.full((3, 4), 5)
    with pytest.raises(ValueError, match="kbot must have shape"):
        g.build()


def test_widths_changing_too_fast_are_rejected():
    s = Settings(overrides={"nx": 4, "ny": 3, "nz": 4})
    g = Grid(s)
    g.dxt, g.dyt = np.ones(4), np.ones(3)
    g.dzt = np.array([1200.0, 900.0, 150.0, 50.0])
    with pytest.raises(SetupError, match="grid.dzt changes too fast"):
        g.build_coordinates()


def test_periodic_grid_narrower_than_halo_is_rejected():
    g = Grid(Settings(overrides={"nx": 1, "ny": 3, "nz": 1, "enable_cyclic_x": True}))
    g.dxt, g.dyt, g.dzt = np.ones(1), np.ones(3), np.ones(1)
    with pytest.raises(SetupError, match="periodic grid needs nx >= halo"):
        g.build_coordinates()


@pytest.mark.parametrize(
    "example, settings",
    [("acc", {"nx": 8, "ny": 10, "nz": 7}), ("double_gyre", {"resolution_km": 200})],
)
def test_a_wider_halo_changes_nothing(example_setup, example, settings):
    """Closures widen the halo to their receptive field: the run must not notice (the ACC
    forcing once took the domain's extent from coordinates that included the halo)."""
    from ocean import Model

    setup = example_setup(example)
    narrow = Model(setup(), settings=settings)
    wide = Model(setup(), settings={**settings, "halo": 4})
    narrow.run(6)
    wide.run(6)
    for name in ("u", "v", "w", "temp", "salt", "psi", "rho"):
        assert np.array_equal(narrow.state.get(name), wide.state.get(name)), name

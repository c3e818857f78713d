"""The ACC grid against Veros's: metrics, coordinates, masks, depths and Coriolis.

Both build the grid from the same dxt, dyt, dzt with the u-centred rule, so every
array agrees to round-off (1e-14 relative: a few float64 operations per value). One
deliberate difference: Veros wraps the x coordinates of its halo cells in a cyclic
domain; ours continue the interior spacing (docs/differences-from-veros.md). Coordinates
are therefore compared in the interior, metrics halo included.
"""

import pytest
from veros_pair import VEROS_HALO, acc_pair, relative_difference

ROUND_OFF = 1e-14


@pytest.fixture(scope="module")
def pair():
    return acc_pair(nx=8, ny=42)


@pytest.mark.parametrize(
    "ours, theirs",
    [("dxt_m", "dxt"), ("dxu_m", "dxu"), ("dyt_m", "dyt"), ("dyu_m", "dyu"),
     ("cost", "cost"), ("cosu", "cosu"), ("tantr", "tantr"), ("yt", "yt"), ("yu", "yu")],
)  # fmt: skip
def test_horizontal_metrics(pair, ours, theirs):
    cut = pair.ours.grid.h - VEROS_HALO
    mine = getattr(pair.ours.grid, ours)
    assert relative_difference(mine[cut : mine.size - cut], getattr(pair.vs, theirs)) <= ROUND_OFF


@pytest.mark.parametrize("name", ["xt", "xu"])
def test_interior_x_coordinates(pair, name):
    h = pair.ours.grid.h
    mine = getattr(pair.ours.grid, name)[h:-h]
    assert relative_difference(mine, getattr(pair.vs, name)[VEROS_HALO:-VEROS_HALO]) == 0.0


@pytest.mark.parametrize("name", ["zt", "zw", "dzt", "dzw"])
def test_vertical_grid(pair, name):
    assert relative_difference(getattr(pair.ours.grid, name), getattr(pair.vs, name)) == 0.0


@pytest.mark.parametrize(
    "name",
    ["kbot", "maskT", "maskU", "maskV", "maskW", "ht", "hu", "hv",
     "area_t", "area_u", "area_v", "coriolis_t"],
)  # fmt: skip
def test_fields(pair, name):
    mine = pair.as_veros(getattr(pair.ours.grid, name))
    assert relative_difference(mine, getattr(pair.vs, name)) <= ROUND_OFF

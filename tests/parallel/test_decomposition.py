"""Block layout: sizes, offsets, neighbours, the owned boxes that tile a global array, and
the errors for layouts that cannot work."""

import numpy as np
import pytest

from ocean.decomposition import Decomposition, automatic_layout, split
from ocean.errors import SetupError
from ocean.settings import Settings


def test_split_gives_near_equal_blocks_larger_first():
    assert split(10, 3) == [0, 4, 7, 10]
    assert split(9, 3) == [0, 3, 6, 9]


def test_automatic_layout_cuts_the_longer_side():
    assert automatic_layout(4, 120, 80) == (2, 2)
    assert automatic_layout(2, 120, 40) == (2, 1)
    assert automatic_layout(2, 40, 120) == (1, 2)
    assert automatic_layout(1, 5, 5) == (1, 1)


@pytest.mark.parametrize("periodic", [False, True])
def test_owned_boxes_tile_the_global_array_with_halo(periodic):
    nx, ny, h, px, py = 11, 9, 2, 3, 2
    count = np.zeros((ny + 2 * h, nx + 2 * h), dtype=int)
    for rank in range(px * py):
        d = Decomposition(nx, ny, px, py, rank, h, periodic)
        j0, j1, i0, i1 = d.owned_box(rank)
        count[j0:j1, i0:i1] += 1
        assert d.block_of(rank) == (d.j0, d.j0 + d.local_ny, d.i0, d.i0 + d.local_nx)
    assert (count == 1).all()


def test_neighbours_wrap_in_x_only_where_periodic():
    closed = Decomposition(12, 8, 3, 2, 0, 2, False)
    periodic = Decomposition(12, 8, 3, 2, 0, 2, True)
    assert closed.neighbour(0, -1) is None and periodic.neighbour(0, -1) == 2
    assert closed.neighbour(-1, 0) is None and periodic.neighbour(-1, 0) is None
    assert closed.neighbour(1, 1) == 4 and periodic.neighbour(1, -1) == 5


def settings(**kw):
    return Settings(overrides={k: str(v) for k, v in kw.items()})


def test_layout_that_needs_other_rank_count_is_refused():
    with pytest.raises(SetupError, match=r"2 x 2 needs 4 MPI ranks, but 3 are running"):
        Decomposition.build(settings(decomp_x=2, decomp_y=2), size=3, rank=0)


def test_blocks_narrower_than_the_halo_are_refused():
    with pytest.raises(SetupError, match="fewer than the halo width 2; use at most 5 blocks"):
        Decomposition.build(settings(nx=10, ny=10, decomp_x=6, decomp_y=1), size=6, rank=0)


def test_half_given_layout_is_refused():
    with pytest.raises(SetupError, match="both be set or both be 0"):
        Decomposition.build(settings(decomp_x=2), size=2, rank=0)

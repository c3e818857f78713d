"""Halo exchange against the global pattern: widths 1-4, blocks of odd and unequal sizes,
periodic and closed in x, corners included, a 3-D and a 2-D field in one message.

Each block starts with the code of its global position in its interior and NaN in the
halo (a marker depending on the global position beyond the domain's edges); after one
exchange every halo cell must hold exactly the code (or marker) of its global position.
"""

import numpy as np
import pytest
from helpers import run_script
from mpi_run import check_halo, exchange_dot_product

from ocean.backends import get_backend
from ocean.comm import SerialComm
from ocean.decomposition import Decomposition
from ocean.halo import HaloExchange


@pytest.mark.parametrize("periodic", [False, True])
@pytest.mark.parametrize("h", [1, 2, 3, 4])
def test_one_block_fills_periodic_halo_by_self_copies(periodic, h):
    decomp = Decomposition(7, 5, 1, 1, 0, h, periodic)
    halo = HaloExchange(decomp, SerialComm(), get_backend("cpu"))
    assert all(m.source == 0 for m in halo.messages)
    assert len(halo.messages) == (2 if periodic else 0)
    assert check_halo(decomp, halo) == 0


@pytest.mark.parametrize("periodic", [False, True])
@pytest.mark.parametrize("h", [1, 2, 4])
def test_exchange_adjoint_one_block(periodic, h):
    """<E x, y> = <x, E^T y>: E^T adds each halo cell's adjoint to its source and zeroes
    the halo (round-off only: sums of ~500 products)."""
    decomp = Decomposition(7, 5, 1, 1, 0, h, periodic)
    halo = HaloExchange(decomp, SerialComm(), get_backend("cpu"))
    forward, adjoint = exchange_dot_product(decomp, halo, get_backend("cpu"))
    assert abs(forward - adjoint) <= 1e-12 * abs(forward)


@pytest.mark.parametrize(
    "ranks, layout, nx, ny, periodic, h",
    [
        (4, (2, 2), 9, 7, False, 1),  # odd sizes: blocks 5/4 x 4/3
        (4, (2, 2), 11, 9, True, 2),
        (3, (3, 1), 13, 5, True, 3),  # three blocks in a periodic row
        (2, (2, 1), 9, 8, True, 4),  # two blocks: east and west neighbour are the same rank
        (4, (1, 4), 6, 17, True, 4),  # one block column: periodic x by self-copies
        (4, (4, 1), 17, 6, False, 3),
    ],
)
def test_exchange_on_ranks_matches_global_pattern(tmp_path, ranks, layout, nx, ny, periodic, h):
    out = tmp_path / "halo.npz"
    px, py = layout
    run_script(ranks, "halo", out, nx, ny, int(periodic), h, "--px", px, "--py", py)
    result = np.load(out)
    assert tuple(result["layout"]) == layout
    assert result["mismatches"].tolist() == [0] * ranks
    forward, adjoint = result["dot"]  # the adjoint exchange, summed over the ranks
    assert abs(forward - adjoint) <= 1e-12 * abs(forward)


def test_exchange_through_the_cuda_simulator(tmp_path, monkeypatch):
    """The packing kernels compiled by the CUDA backend (simulated: NumPy arrays, so MPI
    reads the buffers directly; on a GPU without GPU-aware MPI they are staged on the host)."""
    monkeypatch.setenv("NUMBA_ENABLE_CUDASIM", "1")
    out = tmp_path / "halo.npz"
    run_script(2, "halo", out, 7, 5, 1, 2, "--px", 2, "--py", 1, "--backend", "cuda")
    result = np.load(out)
    assert result["mismatches"].tolist() == [0, 0]
    forward, adjoint = result["dot"]
    assert abs(forward - adjoint) <= 1e-12 * abs(forward)

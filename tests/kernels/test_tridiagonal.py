"""The implicit vertical diffusion solve: the column form (``solve_column``) and the two
sweeps over rows of columns (``diffusion_eliminate``, ``diffusion_back_substitute``)
give the same bits; the sweeps visit the levels in order on the CPU and in the CUDA
simulator; the solve conserves each column's content."""

import textwrap

import numpy as np
import pytest
from simulator import run_in_simulator

from ocean.backends import get_backend
from ocean.kernels import tridiagonal as KT
from ocean.kernels.core import column_kernel

NZ, NY, NX = 7, 4, 9


@column_kernel(radius=0)
def solve_by_columns(j, i, kbot, dz, delta, work, x):
    """The column form: delta into work, then the Thomas algorithm in place on x."""
    if kbot[j, i] == 0:
        return
    for k in range(x.shape[0]):
        work[k, j, i] = delta[k, j, i]
    KT.solve_column(j, i, kbot[j, i] - 1, x.shape[0], dz, x, work, x)


def random_columns(seed):
    """Diffusion numbers dt kappa / (dzw dz) from 1e-3 to 1e3 (stiff), every kbot from 0
    (land) to NZ (one wet level), and a tracer with values in the dry levels too (which
    the solve must keep)."""
    rng = np.random.default_rng(seed)
    dz = rng.uniform(10.0, 100.0, NZ)
    delta = 10.0 ** rng.uniform(-2.0, 4.0, (NZ, NY, NX))
    kbot = rng.integers(0, NZ + 1, (NY, NX)).astype(np.int32)
    kbot[0, :2] = (0, NZ)
    return dz, delta, kbot, rng.normal(size=(NZ, NY, NX))


def solve_by_sweeps(backend, dz, delta, kbot, x):
    """Both sweeps over every column, in place on x; returns x."""
    b = get_backend(backend)
    work = np.zeros_like(x)
    b.launch(KT.diffusion_eliminate, (0, NZ, 0, NY, 0, NX), kbot, dz, delta, x, work, x)
    b.launch(KT.diffusion_back_substitute, (0, NZ - 1, 0, NY, 0, NX), kbot, work, x)
    return x


def test_sweeps_equal_the_column_solve_bit_for_bit():
    dz, delta, kbot, tracer = random_columns(seed=1)
    by_columns = tracer.copy()
    get_backend("cpu").launch(
        solve_by_columns, (0, NY, 0, NX), kbot, dz, delta, np.zeros_like(tracer), by_columns
    )
    by_sweeps = solve_by_sweeps("cpu", dz, delta, kbot, tracer.copy())
    assert np.abs(by_sweeps - tracer).max() > 1e-3, "the solve changed nothing"
    assert np.array_equal(by_sweeps, by_columns)


def test_sweeps_keep_dry_levels_and_conserve_columns():
    """Dry levels (below kbot - 1, all of a land column) are untouched; with no flux
    through the bottom or the top, sum_k x dz over the wet levels is unchanged."""
    dz, delta, kbot, tracer = random_columns(seed=2)
    solved = solve_by_sweeps("cpu", dz, delta, kbot, tracer.copy())
    wet = np.arange(NZ)[:, None, None] >= kbot[None] - 1
    wet &= kbot[None] > 0
    assert np.array_equal(solved[~wet], tracer[~wet])
    before = np.einsum("kji,k->ji", np.where(wet, tracer, 0.0), dz)
    after = np.einsum("kji,k->ji", np.where(wet, solved, 0.0), dz)
    # round-off of the solve relative to the column's absolute content
    scale = np.einsum("kji,k->ji", np.abs(tracer), dz)
    assert np.all(np.abs(after - before) <= 1e-13 * scale)


SIMULATOR_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from test_tridiagonal import random_columns, solve_by_sweeps
    dz, delta, kbot, tracer = random_columns(seed=3)
    np.save(sys.argv[2], solve_by_sweeps("cuda", dz, delta, kbot, tracer))
    """
)


@pytest.mark.cudasim
def test_cuda_simulator_sweeps_equal_cpu(tmp_path):
    pytest.importorskip("numba.cuda")
    path = tmp_path / "sweeps.npy"
    run_in_simulator(SIMULATOR_SCRIPT, path)
    dz, delta, kbot, tracer = random_columns(seed=3)
    cpu = solve_by_sweeps("cpu", dz, delta, kbot, tracer.copy())
    assert np.abs(cpu - tracer).max() > 1e-3
    assert np.array_equal(np.load(path), cpu)

"""PCG coarse correction: the coarse matrix is Z^T A Z of the model's own operator, and the
preconditioned solver reaches the same solution in fewer iterations."""

import numpy as np
import pytest

from ocean import Model

CASES = {  # (example, settings): periodic sphere with land; a closed box; both rigid lid,
    # where Jacobi-PCG is slow (a free surface adds a diagonal that does much of the work);
    # and the ACC's streamfunction (corners, coasts held fixed)
    "acc": ("acc", {"congr_coarse_tile": 3, "external_mode": "rigid_lid"}),
    "acc_streamfunction": ("acc", {"congr_coarse_tile": 3}),
    "double_gyre": (
        "double_gyre",
        {"resolution_km": 100.0, "congr_coarse_tile": 3, "external_mode": "rigid_lid"},
    ),
}


def solver_of(model):
    """The conjugate gradient of the external mode (the streamfunction keeps one)."""
    return getattr(model.external, "solver", model.external)


def model_for(example_setup, case, **extra):
    name, settings = CASES[case]
    return Model(example_setup(name)(), backend="cpu", settings={**settings, **extra})


@pytest.mark.parametrize("case", sorted(CASES))
def test_coarse_matrix_is_Z_transpose_A_Z(example_setup, case):
    m = model_for(example_setup, case)
    ext = solver_of(m)
    coarse = ext.coarse
    tiles = coarse.tiles
    assert tiles == int(np.ceil(m.grid.nx / 3) * np.ceil(m.grid.ny / 3))
    brute = np.zeros((tiles, tiles))
    for b in range(tiles):
        indicator = (coarse.tile_of == b).astype(float)
        applied = np.zeros(m.grid.shape2)
        ext.apply(indicator, applied)  # fills the halo (periodic) and applies A
        wet = coarse.tile_of >= 0  # interior wet cells only
        brute[:, b] = np.bincount(coarse.tile_of[wet], applied[wet], minlength=tiles)
    scale = np.abs(brute).max()
    assert scale > 0
    assert np.abs(coarse.matrix - brute).max() <= 1e-13 * scale
    assert np.array_equal(coarse.matrix, coarse.matrix.T)


@pytest.mark.parametrize("case", sorted(CASES))
def test_coarse_correction_solves_with_fewer_iterations(example_setup, case):
    solutions, iterations = [], []
    for tile in (0, 3):
        m = model_for(example_setup, case, congr_coarse_tile=tile, congr_epsilon=1e-13)
        g = m.grid
        solver = solver_of(m)
        unknown = np.zeros(g.shape2, bool)
        unknown[g.interior] = solver.inv_diag[g.interior] > 0  # wet cells, or inner corners
        rhs = np.where(unknown, np.random.default_rng(0).standard_normal(g.shape2), 0.0)
        pressure = getattr(m.external, "rigid_lid", False)
        if pressure:  # rigid lid: a compatible right-hand side (no net source)
            rhs[unknown] -= rhs[unknown].mean()
        x = np.zeros(g.shape2)
        iterations.append(solver.solve(rhs, x))
        if pressure:
            m.external.remove_mean(x)
        solutions.append(x[g.interior])
    assert iterations[1] < 0.6 * iterations[0], iterations
    scale = np.abs(solutions[0]).max()
    assert np.abs(solutions[1] - solutions[0]).max() <= 1e-9 * scale

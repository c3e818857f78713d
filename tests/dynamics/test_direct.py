"""Direct (banded Cholesky) solve of the external mode's elliptic problem: the band is the
operator the PCG applies, the solution satisfies it to round-off and equals the PCG's to
its tolerance, fixed points keep their value, and what it cannot solve is refused."""

import numpy as np
import pytest

from ocean import Model
from ocean.dynamics import direct as D
from ocean.dynamics.band import factor_band, solve_band
from ocean.dynamics.dissection import DissectedBand
from ocean.errors import SetupError

CASES = {  # (example, settings): the ACC's streamfunction (corners, coasts held fixed) and
    # the implicit free surface on a periodic sphere with land and in a closed basin
    "acc_streamfunction": ("acc", {}),
    "acc_free_surface": ("acc", {"external_mode": "free_surface"}),
    "double_gyre": ("double_gyre", {"resolution_km": 100.0}),
}


def solver_of(model):
    return getattr(model.external, "solver", model.external)


def random_problem(model, seed=0):
    """(rhs, x0, unknown): a random right-hand side on the unknowns and a random first
    guess (its values elsewhere must survive the solve)."""
    g = model.grid
    solver = solver_of(model)
    unknown = np.zeros(g.shape2, bool)
    unknown[g.interior] = solver.inv_diag[g.interior] > 0
    rng = np.random.default_rng(seed)
    rhs = np.where(unknown, rng.standard_normal(g.shape2), 0.0)
    return rhs, rng.standard_normal(g.shape2), unknown


@pytest.mark.parametrize("case", sorted(CASES))
def test_direct_solution_satisfies_the_operator_and_matches_pcg(example_setup, case):
    name, settings = CASES[case]
    solutions = {}
    for solver_name in ("pcg", "direct"):
        m = Model(
            example_setup(name)(), backend="cpu",
            settings={**settings, "elliptic_solver": solver_name, "congr_epsilon": 1e-13},
        )  # fmt: skip
        solver = solver_of(m)
        rhs, x, unknown = random_problem(m)
        first_guess = x.copy()
        solver.solve(rhs, x)
        g = m.grid
        inner_fixed = np.zeros(g.shape2, bool)
        inner_fixed[g.interior] = ~unknown[g.interior]
        assert np.array_equal(x[inner_fixed], first_guess[inner_fixed])  # not unknowns
        applied = np.zeros(g.shape2)
        solver.apply(x, applied)
        residual = np.abs(rhs - applied)[unknown].max()
        solutions[solver_name] = (x[unknown], residual, np.abs(rhs[unknown]).max())
    x_direct, residual, scale = solutions["direct"]
    # backward stable: the residual is round-off of the operator's terms (measured <= 1e-14
    # of max |rhs|); the PCG stops at a residual 1e-13 of |rhs| (2-norm)
    assert residual <= 1e-12 * scale
    x_pcg = solutions["pcg"][0]
    assert np.abs(x_direct - x_pcg).max() <= 1e-9 * np.abs(x_pcg).max()


def periodic_halo(field, h, nx):
    field[:, :h] = field[:, nx : nx + h]
    field[:, h + nx :] = field[:, h : 2 * h]


def apply_operator(x_full, coef_e, coef_n, diag, h):
    """(N x) on the interior, written as the PCG's stencil: the four links of each point to
    its neighbours in the field with halo, plus the extra diagonal."""
    ny, nx = x_full.shape[0] - 2 * h, x_full.shape[1] - 2 * h
    inner = (slice(h, h + ny), slice(h, h + nx))

    def shifted(a, dj, di):
        return a[h + dj : h + ny + dj, h + di : h + nx + di]

    x = x_full[inner]
    return (
        coef_e[inner] * (x - shifted(x_full, 0, 1))
        + shifted(coef_e, 0, -1) * (x - shifted(x_full, 0, -1))
        + coef_n[inner] * (x - shifted(x_full, 1, 0))
        + shifted(coef_n, -1, 0) * (x - shifted(x_full, -1, 0))
        + diag[inner] * x
    )


def random_operator(ny, nx, h, periodic, seed):
    """(band, known, x_full, unknown): a random operator on an ny x nx grid with halo h,
    some interior points fixed (and linked to unknowns), links into the halo on every side
    (closed) or periodic in x, and a random field with halo holding the fixed values."""
    rng = np.random.default_rng(seed)
    shape = (ny + 2 * h, nx + 2 * h)
    coef_e, coef_n = rng.uniform(0.5, 2.0, shape), rng.uniform(0.5, 2.0, shape)
    diag = rng.uniform(0.0, 0.1, shape)
    unknown = rng.uniform(size=(ny, nx)) > 0.25
    x_full = rng.standard_normal(shape)
    if periodic:  # the halos hold the periodic copies, as after a halo fill
        for field in (coef_e, coef_n, diag, x_full):
            periodic_halo(field, h, nx)
    couplings, known = D.operator_links(coef_e, coef_n, unknown, h, periodic)
    band = D.assemble_band(couplings, known, diag[h:-h, h:-h], unknown)
    return band, known, (coef_e, coef_n, diag), x_full, unknown


@pytest.mark.parametrize("periodic", [False, True])
@pytest.mark.parametrize("dissected", [False, True])
def test_band_solve_satisfies_the_stencil_with_fixed_values(periodic, dissected):
    """A random operator on a 7 x 5 grid with halo 2 (``random_operator``): the band
    solution, of the single band or dissected at the middle row, satisfies the stencil at
    every unknown, the fixed points keep their values."""
    ny, nx, h = 5, 7, 2
    band, known, (coef_e, coef_n, diag), x_full, unknown = random_operator(ny, nx, h, periodic, 3)
    assert len(known[0]) > 0  # the fixed values are exercised
    rhs = np.random.default_rng(4).standard_normal((ny, nx))
    b = np.where(unknown, rhs, x_full[h:-h, h:-h]).reshape(-1)
    np.add.at(b, known[0], known[2] * x_full.reshape(-1)[known[1]])
    if dissected:
        factor = DissectedBand(band, nx, ny, D.PIVOT_TOLERANCE)
        assert factor.factored
        factor.solve(b)
    else:
        assert factor_band(band, D.PIVOT_TOLERANCE)
        solve_band(band, b)

    solved = x_full.copy()
    solved[h:-h, h:-h] = b.reshape(ny, nx)
    if periodic:
        periodic_halo(solved, h, nx)
    assert np.array_equal(solved[h:-h, h:-h][~unknown], x_full[h:-h, h:-h][~unknown])
    residual = (apply_operator(solved, coef_e, coef_n, diag, h) - rhs)[unknown]
    assert np.abs(residual).max() <= 1e-13 * np.abs(rhs).max()


@pytest.mark.parametrize("periodic", [False, True])
@pytest.mark.parametrize("ny", [3, 4, 9, 10])
def test_dissected_solve_equals_the_single_band(ny, periodic):
    """Dissected at row (ny - 1) // 2 (halves of equal size for odd ny, padded for even
    ny): the same solution as the single band to round-off (measured <= 7e-16 of its
    largest value), the separator and both halves exercised by a dense right-hand side."""
    nx = 11
    band = random_operator(ny, nx, 2, periodic, ny)[0]
    b = np.random.default_rng(ny).standard_normal(ny * nx)
    single, dissected = band.copy(), DissectedBand(band, nx, ny, D.PIVOT_TOLERANCE)
    assert factor_band(single, D.PIVOT_TOLERANCE) and dissected.factored
    x_single, x_dissected = b.copy(), b.copy()
    solve_band(single, x_single)
    dissected.solve(x_dissected)
    assert np.abs(x_dissected - x_single).max() <= 1e-14 * np.abs(x_single).max()


def test_dissected_factor_refuses_a_singular_operator():
    """An operator with no link to a fixed value and no extra diagonal (the rigid lid's
    case) is singular: the dissected factor says so, as the single band does."""
    ny, nx = 5, 6
    unknown = np.ones((ny, nx), bool)
    coef = np.ones((ny + 4, nx + 4))
    coef[:, -3:] = 0.0  # no link into the east halo: closed, like the other edges
    coef[-3:, :] = 0.0
    coef[:2, :] = 0.0
    coef[:, :2] = 0.0
    couplings, known = D.operator_links(coef, coef, unknown, 2, False)
    assert len(known[0]) == 0
    band = D.assemble_band(couplings, known, np.zeros((ny, nx)), unknown)
    assert not DissectedBand(band.copy(), nx, ny, D.PIVOT_TOLERANCE).factored
    assert not factor_band(band, D.PIVOT_TOLERANCE)


def test_rigid_lid_pressure_is_refused(example_setup):
    with pytest.raises(SetupError, match="singular.*use elliptic_solver 'pcg'"):
        Model(
            example_setup("acc")(), backend="cpu",
            settings={"external_mode": "rigid_lid", "elliptic_solver": "direct"},
        )  # fmt: skip


def test_factor_too_large_is_refused(example_setup, monkeypatch):
    monkeypatch.setattr(D, "MAX_FACTOR_BYTES", 1024)
    with pytest.raises(SetupError, match=r"GiB banded factor for the 30 x 42 grid"):
        Model(example_setup("acc")(), backend="cpu", settings={"elliptic_solver": "direct"})

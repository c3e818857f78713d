"""Direct (banded Cholesky) solve of the external mode's elliptic problem: the band is the
operator the PCG applies, the solution satisfies it to round-off and equals the PCG's to
its tolerance, fixed points keep their value, and what it cannot solve is refused."""

import numpy as np
import pytest

from ocean import Model
from ocean.dynamics import direct as D
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


@pytest.mark.parametrize("periodic", [False, True])
def test_band_solve_satisfies_the_stencil_with_fixed_values(periodic):
    """A random operator on a 7 x 5 grid with halo 2, some interior points fixed (and
    linked to unknowns), links into the halo on every side (closed) or periodic in x: the
    band solution satisfies the stencil at every unknown, the fixed points keep their
    values."""
    rng = np.random.default_rng(3)
    ny, nx, h = 5, 7, 2
    shape = (ny + 2 * h, nx + 2 * h)
    coef_e, coef_n = rng.uniform(0.5, 2.0, shape), rng.uniform(0.5, 2.0, shape)
    diag = rng.uniform(0.0, 0.1, shape)
    unknown = rng.uniform(size=(ny, nx)) > 0.25
    x_full = rng.standard_normal(shape)
    if periodic:  # the halos hold the periodic copies, as after a halo fill
        for field in (coef_e, coef_n, diag, x_full):
            periodic_halo(field, h, nx)
    rhs = rng.standard_normal((ny, nx))

    couplings, known = D.operator_links(coef_e, coef_n, unknown, h, periodic)
    assert len(known[0]) > 0  # the fixed values are exercised
    band = D.assemble_band(couplings, known, diag[h:-h, h:-h], unknown)
    assert D._factor(band, D.PIVOT_TOLERANCE)
    b = np.where(unknown, rhs, x_full[h:-h, h:-h]).reshape(-1)
    np.add.at(b, known[0], known[2] * x_full.reshape(-1)[known[1]])
    D._solve_banded(band, b)

    solved = x_full.copy()
    solved[h:-h, h:-h] = b.reshape(ny, nx)
    if periodic:
        periodic_halo(solved, h, nx)
    assert np.array_equal(solved[h:-h, h:-h][~unknown], x_full[h:-h, h:-h][~unknown])
    residual = (apply_operator(solved, coef_e, coef_n, diag, h) - rhs)[unknown]
    assert np.abs(residual).max() <= 1e-13 * np.abs(rhs).max()


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

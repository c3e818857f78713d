"""Implicit vertical diffusion of one column: backward Euler with a tridiagonal solve.

Solves (1 - dt d/dz kappa d/dz) x = d on levels k0..nz-1 of a column (k0 is the deepest
wet level) with no flux through the bottom or the top. ``delta[k] = dt kappa_k / dzw_k``
lives at the W face above level k (delta at the top face is 0), so

    a_k = -delta_{k-1}/dz_k,  c_k = -delta_k/dz_k,  b_k = 1 - a_k - c_k   (a_{k0} = 0).
"""

from .core import kernel, stencil


@stencil(inline=False)
def solve_column(j, i, k0, nz, dz, rhs, work, x):
    """Thomas algorithm on x[k0:nz, j, i].

    On entry ``work[k, j, i]`` holds delta_k [m] (the top value is ignored); it is
    overwritten by the modified upper diagonal. ``rhs`` may be ``x`` itself (in place).
    """
    prev = 0.0
    for k in range(k0, nz):
        up = work[k, j, i] if k < nz - 1 else 0.0
        a = -prev / dz[k]
        c = -up / dz[k]
        b = 1.0 - a - c
        if k == k0:
            denom = b
            x[k, j, i] = rhs[k, j, i] / denom
        else:
            denom = b - a * work[k - 1, j, i]
            x[k, j, i] = (rhs[k, j, i] - a * x[k - 1, j, i]) / denom
        work[k, j, i] = c / denom
        prev = up
    for k in range(nz - 2, k0 - 1, -1):
        x[k, j, i] = x[k, j, i] - work[k, j, i] * x[k + 1, j, i]


@stencil(inline=False)
def solve_column_transposed(j, i, k0, nz, dz, work, x):
    """Solve A^T y = x in place on x[k0:nz, j, i], A the matrix of :func:`solve_column`.

    A = D^-1 (D + L) with D = diag(dz) and L symmetric, so A^T = D A D^-1 and
    y = D A^-1 (D^-1 x): the same Thomas sweep between two scalings. ``work`` holds
    delta_k on entry and is overwritten, as in :func:`solve_column`.
    """
    for k in range(k0, nz):
        x[k, j, i] = x[k, j, i] / dz[k]
    solve_column(j, i, k0, nz, dz, x, work, x)
    for k in range(k0, nz):
        x[k, j, i] = x[k, j, i] * dz[k]


@stencil
def eliminate_row(k, first, j, i, wet, lower, upper, diagonal, rhs, work, x):
    """Forward elimination of row k of a tridiagonal column system whose first row is
    ``first``, in a sweep up the columns (rows first..k-1 eliminated already): ``work[k]``
    gets the modified upper diagonal, ``x[k]`` the modified right-hand side. Where not
    ``wet`` (below the first row, land columns) both keep their values.

    Every load is unconditional (the row below at level max(k-1, 0) even where unused)
    and the stores' values selected: an address loaded only on some branch is widened
    into a vector of addresses, and the store to it becomes a scatter."""
    below = max(k - 1, 0)
    inner = k > first
    work_below = work[below, j, i]
    x_below = x[below, j, i]
    old_work = work[k, j, i]
    old_x = x[k, j, i]
    pivot = diagonal - lower * work_below if inner else diagonal
    value = rhs - lower * x_below if inner else rhs
    work[k, j, i] = upper / pivot if wet else old_work
    x[k, j, i] = value / pivot if wet else old_x


@stencil
def eliminate_diffusion_row(k, first, j, i, delta_above, delta_below, dz, rhs, work, x):
    """Forward elimination of row k of :func:`solve_column`'s system, first row ``first``,
    given the face values delta = dt kappa / dzw [m] above and below level k (either may be
    read at any level: the top face's and the one below the first row count as 0):
    a = -delta_below / dz_k, c = -delta_above / dz_k, b = 1 - a - c
    (:func:`eliminate_row`)."""
    top = x.shape[0] - 1
    # & rather than `and`: a short-circuit joins two bools in a phi, which Numba's parfor
    # analysis counts as an alias, and the launch then loses the noalias arguments that
    # let LLVM vectorise the row without run-time overlap checks
    wet = (first >= 0) & (k >= first)
    inner = k > first
    up = delta_above if k < top else 0.0
    prev = delta_below if inner else 0.0
    a = -prev / dz[k]
    c = -up / dz[k]
    eliminate_row(k, first, j, i, wet, a, c, 1.0 - a - c, rhs, work, x)


# -- the same solve as two sweeps over rows of columns (``kernel(sweep=...)``) -------------
@kernel(radius=0, sweep=1)
def diffusion_eliminate(k, j, i, kbot, dz, delta, rhs, work, x):
    """Forward elimination, at level k, of the implicit diffusion of :func:`solve_column`,
    (1 - dt d/dz kappa d/dz) x = rhs, in a sweep up the columns: delta[k] = dt kappa_k /
    dzw_k [m] on the W face above level k (ignored at the top). Writes the modified upper
    diagonal to work[k] and the eliminated right-hand side to x[k] (``rhs`` may be ``x``).
    Levels below a column's deepest wet level kbot - 1, and land columns (kbot = 0), keep
    their x and work (:func:`eliminate_row`). The arithmetic is :func:`solve_column`'s,
    bit for bit."""
    below = max(k - 1, 0)  # loads unconditional: see eliminate_row
    eliminate_diffusion_row(
        k, kbot[j, i] - 1, j, i, delta[k, j, i], delta[below, j, i], dz, rhs[k, j, i], work, x
    )


@stencil
def substitute_level(k, j, i, kbot, work, x):
    """Back substitution x[k] -= work[k] x[k + 1] at level k of a sweep down the columns
    after an elimination sweep (:func:`eliminate_row`): the levels from the one below the
    top to kbot - 1 change; the top level and dry levels keep x."""
    top = x.shape[0] - 1
    wet = (kbot[j, i] > 0) & (kbot[j, i] - 1 <= k) & (k < top)  # & as in the elimination
    above = x[min(k + 1, top), j, i]
    here = x[k, j, i]  # loads unconditional: see eliminate_row
    factor = work[k, j, i]
    x[k, j, i] = here - factor * above if wet else here


@kernel(radius=0, sweep=-1)
def diffusion_back_substitute(k, j, i, kbot, work, x):
    """Back substitution after :func:`diffusion_eliminate` (:func:`substitute_level`)."""
    substitute_level(k, j, i, kbot, work, x)

"""Direct solve of the external mode's 2-D elliptic problem: a banded Cholesky factor of
the whole global operator, kept on rank 0 (``elliptic_solver = "direct"``).

The operator is the one the conjugate gradient iterates with (``pcg.py``):

    (N x)_c = sum over the 4 links of c_link (x_c - x_nb) + d_c x_c,

symmetric positive definite on the unknowns when d > 0 somewhere on every connected set
of unknowns (the implicit free surface) or some link reaches a known value (the
streamfunction's coasts); the rigid lid's pressure is singular and is left to the PCG.
The unknowns are numbered row by row on the global interior (i fastest), so every link,
the periodic one from the last column to the first included, lies within ``nx`` of the
diagonal: the factor is a band of nx + 1 diagonals, n (nx + 1) numbers for n = nx ny
points, factored once at set-up in O(n nx^2) and applied each step in O(n nx). Grids of
three rows or more are dissected at their middle row (``dissection.py``): two half bands
that two threads substitute at once, and a dense nx x nx block for the separator row.

Each solve gathers the right-hand side (and the known values the unknowns are linked to)
to rank 0, solves there and sends the solution to every rank, so the answer is the same
on any decomposition; it is exact to round-off, where the PCG stops at ``congr_epsilon``.
Points that are not unknowns keep their value, as in the PCG.
"""

from __future__ import annotations

import numpy as np

from ocean.errors import SetupError
from ocean.io.gather import gather_with_halo, local_window

from .band import factor_band, solve_band
from .dissection import DissectedBand

#: largest banded factor [bytes] the direct solver will build; beyond it, use the PCG
MAX_FACTOR_BYTES = 2 * 1024**3


def factor_bytes(nx: int, ny: int) -> int:
    """Bytes of the banded factor of an nx x ny global grid."""
    return nx * ny * (nx + 1) * 8


class DirectSolver:
    """Banded Cholesky solve of N x = rhs for the operator (coef_e, coef_n, diag) with
    host arrays of the block's full shape; ``unknown`` (bool) marks the points solved for."""

    def __init__(self, model, coef_e, coef_n, diag, unknown, label="elliptic"):
        g = model.grid
        self.model, self.label = model, label
        nbytes = factor_bytes(g.nx_global, g.ny_global)
        if nbytes > MAX_FACTOR_BYTES:
            raise SetupError(
                f"elliptic_solver 'direct' would need a {nbytes / 2**30:.1f} GiB banded factor "
                f"for the {g.nx_global} x {g.ny_global} grid (at most "
                f"{MAX_FACTOR_BYTES / 2**30:.0f} GiB); use elliptic_solver 'pcg'"
            )
        parts = [gather_with_halo(model, np.asarray(a, float)) for a in (coef_e, coef_n, diag)]
        marks = gather_with_halo(model, np.asarray(unknown, float))
        factored = True
        if model.comm.rank == 0:
            h = g.h
            inner = (slice(h, h + g.ny_global), slice(h, h + g.nx_global))
            self.unknown = marks[inner] > 0
            couplings, known = operator_links(parts[0], parts[1], self.unknown, h, g.periodic_x)
            #: links from unknowns to fixed values: (row, position in the field with halo, c)
            self.known = known
            band = assemble_band(couplings, known, parts[2][inner], self.unknown)
            self.factor = factor_of(band, g.nx_global, g.ny_global)
            factored = self.factor.factored
        if not model.comm.bcast(factored):
            raise SetupError(
                f"the {label} operator is singular or not positive definite, so "
                "elliptic_solver 'direct' cannot factor it (the rigid lid's pressure is "
                "defined up to a constant); use elliptic_solver 'pcg'"
            )

    def solve(self, rhs, x, backend):
        """x = N^-1 rhs on the unknowns (host or device arrays [j, i] or [1, j, i]); the
        other points keep their value. The halo of x is filled."""
        m = self.model
        g = m.grid
        m.fill_halo(x)
        rhs_global = gather_with_halo(m, backend.to_host(rhs).reshape(g.shape2))
        x_global = gather_with_halo(m, backend.to_host(x).reshape(g.shape2))
        if m.comm.rank == 0:
            h = g.h
            inner = (slice(h, h + g.ny_global), slice(h, h + g.nx_global))
            b = np.where(self.unknown, rhs_global[inner], x_global[inner]).reshape(-1)
            rows, positions, weights = self.known
            np.add.at(b, rows, weights * x_global.reshape(-1)[positions])
            self.factor.solve(b)
            x_global = np.array(x_global)
            x_global[inner] = b.reshape(self.unknown.shape)
        x_global = m.comm.bcast(x_global if m.comm.rank == 0 else None)
        j0, j1, i0, i1 = local_window(m)
        x[...] = backend.asarray(x_global[j0:j1, i0:i1].reshape(x.shape))
        m.fill_halo(x)


#: a pivot below this fraction of its row's diagonal entry means a singular operator
PIVOT_TOLERANCE = 1e-13


def operator_links(coef_e, coef_n, unknown, h, periodic_x):
    """The links of the operator that touch an unknown, from the global coefficients with
    halo: (couplings, known). ``couplings`` lists (row a, row b, c) of links between two
    unknowns (rows r = j nx + i of the global interior; the periodic link from the last
    column to the first included), ``known`` the arrays (row, position, c) of links from an
    unknown to a value that stays fixed (a point that is not an unknown, or beyond a
    closed edge: its flat position in the field with halo)."""
    ny, nx = unknown.shape
    width = nx + 2 * h

    def point(j, i):
        """(row if an unknown else None, flat position in the field with halo)."""
        position = (j + h) * width + (i + h)
        if periodic_x:
            i %= nx
        if 0 <= j < ny and 0 <= i < nx and unknown[j, i]:
            return j * nx + i, position
        return None, position

    couplings, known = [], []
    links = [(coef_e, j, i, j, i + 1) for j in range(ny) for i in range(-1, nx)]
    links += [(coef_n, j, i, j + 1, i) for j in range(-1, ny) for i in range(nx)]
    for coef, j, i, j2, i2 in links:
        if periodic_x and i == -1 and j2 == j:
            continue  # the same link as the last column's to the first
        c = coef[j + h, i + h]
        if c == 0.0:
            continue
        (row, position), (row2, position2) = point(j, i), point(j2, i2)
        if row is not None and row2 is not None:
            couplings.append((row, row2, c))
        elif row is not None:
            known.append((row, position2, c))
        elif row2 is not None:
            known.append((row2, position, c))
    rows, positions, weights = zip(*known, strict=True) if known else ((), (), ())
    fixed = (np.array(rows, np.int64), np.array(positions, np.int64), np.array(weights, float))
    return couplings, fixed


def assemble_band(couplings, known, diag, unknown):
    """The lower band of N on the global interior: ``band[r, d]`` = N[r, r - d]. An
    unknown's diagonal is its extra diagonal ``diag`` plus the coefficients of all its
    links (to fixed values too); rows of points that are not unknowns are the identity."""
    ny, nx = unknown.shape
    band = np.zeros((nx * ny, nx + 1))
    band[:, 0] = np.where(unknown, diag, 1.0).reshape(-1)
    for row, row2, c in couplings:
        band[row, 0] += c
        band[row2, 0] += c
        high, low = max(row, row2), min(row, row2)
        band[high, high - low] -= c
    rows, _, weights = known
    np.add.at(band[:, 0], rows, weights)
    return band


class SingleBand:
    """The banded Cholesky factor of the whole operator, for grids too narrow to dissect."""

    def __init__(self, band, tolerance):
        self.band = band
        self.factored = factor_band(band, tolerance)

    def solve(self, b):
        solve_band(self.band, b)


def factor_of(band, nx, ny):
    """The factor of the operator with lower band ``band`` on an ny x nx grid: dissected
    at a separator row (``dissection.py``: two threads per solve) where there are rows on
    both sides of one, else the single band."""
    if ny >= 3:
        return DissectedBand(band, nx, ny, PIVOT_TOLERANCE)
    return SingleBand(band, PIVOT_TOLERANCE)

"""One level of nested dissection of the direct solver's banded system, so that two
threads share each solve.

The operator links a point only to its own row and the rows next to it, so the grid row
m = (ny - 1) // 2 (the separator S) cuts the global interior into the rows below it (A)
and above it (B), which are not linked to each other. With the unknowns ordered A, B, S,

    N = [[N_AA, 0, N_AS], [0, N_BB, N_BS], [N_SA, N_SB, N_SS]] = L L^T,
    L = [[L_A, 0, 0], [0, L_B, 0], [W_A^T, W_B^T, L_S]],

with L_A, L_B the banded Cholesky factors of the halves (nx + 1 diagonals each, as the
one band over the whole grid: A numbered from the bottom row up, B from the top row
down, so that each half's links to S lie in its last nx rows), W_X = L_X^-1 N_XS (zero
above those last nx rows: an nx x nx block) and L_S the dense Cholesky factor of the
Schur complement N_SS - W_A^T W_A - W_B^T W_B. A solve is

    L_X y_X = b_X (both halves at once),  L_S y_S = b_S - W_A^T y_A - W_B^T y_B,
    L_S^T x_S = y_S,  L_X^T x_X = y_X - W_X x_S (both halves at once).

The halves hold as many numbers as the one band, read once forward and once backward per
solve, now by two cores; the separator adds 3 nx^2. The result is exact to round-off,
like the single band's, with another order of the additions. The smaller half is padded
in front with identity rows so that both halves are one array.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import prange

from .band import backward_substitute, factor_band, forward_substitute


class DissectedBand:
    """The factor above of the operator whose lower band (``band[r, d]`` = N[r, r - d],
    rows r = j nx + i of an ny x nx grid, ny >= 3) is given; ``factored`` is False if N is
    not positive definite. ``solve(b)`` overwrites b (length nx ny) with N^-1 b."""

    def __init__(self, band, nx, ny, tolerance):
        self.nx = nx
        m = (ny - 1) // 2  # the separator row
        self.size_below, self.size_above = m * nx, (ny - 1 - m) * nx
        self.pad = self.size_above - self.size_below
        self.halves = self._split(band)
        self.factored = all(factor_band(half, tolerance) for half in self.halves)
        if not self.factored:
            return
        couplings = self._couplings(band)
        self.blocks = np.stack(
            [_last_block_solve(half, c) for half, c in zip(self.halves, couplings, strict=True)]
        )
        schur = self._separator_block(band)
        for block in self.blocks:
            schur -= block.T @ block
        # in the band layout (width nx - 1), factored with the same pivot test
        self.separator_factor = band_rows(schur)
        self.factored = factor_band(self.separator_factor, tolerance)

    def _split(self, band):
        """The two halves' bands: A's rows with ``pad`` identity rows in front, B's rows in
        reverse order (N is symmetric: B's band row q holds N[r + d, r], r = n - 1 - q)."""
        n, width = band.shape[0], band.shape[1] - 1
        halves = np.zeros((2, self.size_above, width + 1))
        halves[0, : self.pad, 0] = 1.0
        halves[0, self.pad :] = band[: self.size_below]
        rows = n - 1 - np.arange(self.size_above)  # B's rows, top row first
        for d in range(width + 1):
            linked = rows + d
            inside = linked < n
            halves[1, inside, d] = band[linked[inside], d]
        return halves

    def _couplings(self, band):
        """N_XS restricted to each half's last nx rows: ``c[half, q, s]`` links row q of
        that block (in the half's own order) with separator point s: A's row n0 - nx + q
        (n0 the separator's first row) from the separator's band rows, B's row
        n0 + 2 nx - 1 - q (B is reversed) from its own."""
        nx, n0 = self.nx, self.size_below
        s, d = np.meshgrid(np.arange(nx), np.arange(nx + 1), indexing="ij")
        c = np.zeros((2, nx, nx))
        to_a = d > s  # column n0 + s - d below the separator
        c[0, (nx + s - d)[to_a], s[to_a]] = band[(n0 + s)[to_a], d[to_a]]
        from_b = d >= nx - s  # B's row n0 + s + d above the separator
        c[1, (2 * nx - 1 - s - d)[from_b], s[from_b]] = band[(n0 + s + d)[from_b], d[from_b]]
        return c

    def _separator_block(self, band):
        """N_SS, dense (nx x nx), from the separator's band rows."""
        lower = dense_lower(band[self.size_below : self.size_below + self.nx])
        return lower + np.tril(lower, -1).T

    def solve(self, b):
        nx, n0 = self.nx, self.size_below
        parts = np.zeros((2, self.size_above))
        parts[0, self.pad :] = b[:n0]
        parts[1] = b[::-1][: self.size_above]
        separator = b[n0 : n0 + nx].copy()
        _solve_dissected(self.halves, self.blocks, self.separator_factor, parts, separator)
        b[:n0] = parts[0, self.pad :]
        b[n0 : n0 + nx] = separator
        b[n0 + nx :] = parts[1, ::-1]


def _last_block_solve(half, coupling):
    """W = L^-1 C for C non-zero in the last nx rows only: those rows of W, the last
    diagonal block of L (dense, from the band) solved against C."""
    block = dense_lower(half[-coupling.shape[0] :])
    return np.linalg.solve(block, coupling)  # lower triangular: exact to round-off


def dense_lower(rows):
    """The dense lower triangle of the diagonal block whose band rows (``band.py``'s
    layout) are ``rows``; entries that reach left of the block are left out."""
    size = rows.shape[0]
    q, d = np.meshgrid(np.arange(size), np.arange(rows.shape[1]), indexing="ij")
    inside = d <= q
    block = np.zeros((size, size))
    block[q[inside], (q - d)[inside]] = rows[q[inside], d[inside]]
    return block


def band_rows(dense):
    """The lower band of the symmetric matrix ``dense``, in ``band.py``'s layout, all of
    its diagonals (width size - 1)."""
    size = dense.shape[0]
    q, d = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    inside = d <= q
    rows = np.zeros((size, size))
    rows[q[inside], d[inside]] = dense[q[inside], (q - d)[inside]]
    return rows


@numba.njit(cache=True, parallel=True)
def _solve_dissected(halves, blocks, separator_factor, parts, separator):
    """The solve of :class:`DissectedBand`: ``parts`` (both halves' right-hand sides) and
    ``separator`` are overwritten with the solution."""
    nx = separator.size
    last = parts.shape[1] - nx
    for half in prange(2):
        forward_substitute(halves[half], parts[half])
    for half in range(2):  # b_S - W_A^T y_A - W_B^T y_B
        for s in range(nx):
            total = 0.0
            for q in range(nx):
                total += blocks[half, q, s] * parts[half, last + q]
            separator[s] -= total
    forward_substitute(separator_factor, separator)  # L_S y_S = ...
    backward_substitute(separator_factor, separator)  # L_S^T x_S = y_S
    for half in range(2):  # y_X - W_X x_S
        for q in range(nx):
            total = 0.0
            for s in range(nx):
                total += blocks[half, q, s] * separator[s]
            parts[half, last + q] -= total
    for half in prange(2):
        backward_substitute(halves[half], parts[half])

"""Coarse-space correction for the surface-pressure PCG (two-level additive preconditioner).

Jacobi removes the error at the scale of a cell; what is left converges in O(n) iterations
(the rigid lid's ACC needs 1000 at 240 x 160). The coarse space is piecewise constant on
fixed square tiles of the *global* grid, ``Z[cell, tile] = 1`` on the unknowns (the wet
cells of the surface pressure, the inner corners of the streamfunction), and the
preconditioner is

    M^-1 r = D^-1 r + Z E^+ Z^T r,    E = Z^T A Z,

symmetric positive (semi-)definite, so the conjugate gradient stays valid. E^+ is the
pseudo-inverse (the rigid lid's A, and so E, is singular on constants; the right-hand side
is compatible). Tiles are fixed on the global grid and their sums are exact (fixed point,
below), so the preconditioner, the iterates and the answer are the same on any
decomposition. E is assembled from the gathered global coefficients once and
inverted on rank 0 (dense: the tile size keeps E below ``MAX_TILES`` rows).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ocean.io.gather import gather_with_halo

MAX_TILES = 1024


def tile_size_for(nx: int, ny: int, requested: int) -> int:
    """The tile side in cells: ``requested``, made larger until there are <= MAX_TILES."""
    size = max(requested, 1)
    while math.ceil(nx / size) * math.ceil(ny / size) > MAX_TILES:
        size += 1
    return size


class CoarseCorrection:
    def __init__(self, model, coef_e, coef_n, fs_coef, requested_tile, unknown=None):
        g, comm = model.grid, model.comm
        self.model = model
        self.tile = tile_size_for(g.nx_global, g.ny_global, requested_tile)
        self.ntx = math.ceil(g.nx_global / self.tile)
        self.tiles = self.ntx * math.ceil(g.ny_global / self.tile)
        wet = g.maskT[-1] > 0 if unknown is None else np.asarray(unknown, bool)
        self.tile_of = self._local_tiles(g, wet)
        pinv = self.matrix = None  # E itself is kept on rank 0 (for inspection and tests)
        parts = [gather_with_halo(model, a) for a in (coef_e, coef_n, fs_coef)]
        wet_global = gather_with_halo(model, wet.astype(float))
        if comm.rank == 0:
            self.matrix = self._assemble(g, wet_global > 0, *parts)
            pinv = pseudo_inverse(self.matrix)
        self.pinv = comm.bcast(pinv)
        self.scratch = np.zeros(self.tiles)
        #: the tiles this block's cells belong to: the only rows of E^+ it needs
        self.rows = np.unique(self.tile_of[self.tile_of >= 0]).astype(np.int64)
        self.cell_bits = math.ceil(math.log2(self.tile * self.tile)) + 1  # headroom of a sum

    def _global_tiles(self, jg, ig):
        return (jg // self.tile) * self.ntx + ig // self.tile

    def _local_tiles(self, g, wet):
        """Tile of every interior wet cell of this block (-1 elsewhere, halo included)."""
        jg = g.j0 - g.h + np.arange(g.ny + 2 * g.h)[:, None]
        ig = g.i0 - g.h + np.arange(g.nx + 2 * g.h)[None, :]
        tiles = self._global_tiles(jg, ig) + 0 * ig
        inside = np.zeros_like(wet)
        inside[g.interior] = True
        return np.where(inside & wet, tiles, -1).astype(np.int64)

    def _assemble(self, g, wet, coef_e, coef_n, fs):
        """E = Z^T A Z from the global operator (negated, area-weighted: see external.py):
        A x = (fs + sum of the 4 face coefficients) x - sum of coefficient x neighbour."""
        h, ny, nx = g.h, g.ny_global, g.nx_global
        jg, ig = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
        inner = (slice(h, h + ny), slice(h, h + nx))
        tile = np.where(wet[inner], self._global_tiles(jg, ig), -1)
        E = np.zeros((self.tiles, self.tiles))
        ce, cn = coef_e[inner], coef_n[inner]
        east = (ig + 1) % nx if g.periodic_x else np.minimum(ig + 1, nx - 1)
        north = np.minimum(jg + 1, ny - 1)
        for c, nb_tile in ((ce, tile[jg, east]), (cn, tile[north, ig])):
            use = (tile >= 0) & (nb_tile >= 0) & (c != 0.0)
            a, b, w = tile[use], nb_tile[use], c[use]
            np.add.at(E, (a, a), w)  # each face couples its two cells: +c on both diagonals,
            np.add.at(E, (b, b), w)  # -c between them (nothing if they share the tile)
            np.add.at(E, (a, b), -w)
            np.add.at(E, (b, a), -w)
        use = tile >= 0
        np.add.at(E, (tile[use], tile[use]), fs[inner][use])
        return E

    def add_to(self, r, z):
        """z += Z E^+ Z^T r on this block's interior (host arrays, [j, i] or [1, j, i])."""
        m = self.model
        r2, z2 = r.reshape(r.shape[-2:]), z.reshape(z.shape[-2:])
        box = m.grid.box2()
        with m.timers("reduction"):
            largest = m.comm.allreduce_max(_max_abs(r2, self.tile_of, *box))
            if not largest > 0.0:
                return
            quantum = np.ldexp(1.0, math.frexp(largest)[1] + self.cell_bits - 62)
            sums = np.zeros(self.tiles, dtype=np.int64)
            _tile_sums_fixed(r2, self.tile_of, *box, 1.0 / quantum, sums)
            coarse_rhs = m.comm.sum_integers(sums) * quantum
        _matvec_rows(self.pinv, coarse_rhs, self.rows, self.scratch)
        _prolong(self.scratch, self.tile_of, z2)


def pseudo_inverse(E):
    """E^+ with eigenvalues below 1e-12 of the largest treated as zero (null space)."""
    values, vectors = np.linalg.eigh(E)
    keep = values > 1e-12 * max(values.max(), 0.0)
    inv = np.where(keep, 1.0 / np.where(keep, values, 1.0), 0.0)
    return np.ascontiguousarray((vectors * inv) @ vectors.T)


#: independent partial sums per row of :func:`_matvec_rows` (lets the CPU pipeline and
#: vectorise the row; the order of the additions is still fixed)
MATVEC_LANES = 8


@numba.njit(cache=True, parallel=True)
def _matvec_rows(matrix, x, rows, out):
    """out[a] = (matrix @ x)[a] for the rows a in ``rows``. Each row is summed in a fixed
    order, the same on every rank, decomposition and thread count: column b goes to partial
    sum b mod MATVEC_LANES, the partial sums are added in lane order. Rows are independent,
    so they are shared among the threads."""
    n = x.size
    whole = n - n % MATVEC_LANES
    for r in numba.prange(rows.size):
        a = rows[r]
        lanes = np.zeros(MATVEC_LANES)
        for b0 in range(0, whole, MATVEC_LANES):
            for lane in range(MATVEC_LANES):
                lanes[lane] += matrix[a, b0 + lane] * x[b0 + lane]
        for b in range(whole, n):
            lanes[b - whole] += matrix[a, b] * x[b]
        total = 0.0
        for lane in range(MATVEC_LANES):
            total += lanes[lane]
        out[a] = total


@numba.njit(cache=True)
def _max_abs(r, tile_of, j0, j1, i0, i1):
    largest = 0.0
    for j in range(j0, j1):
        for i in range(i0, i1):
            if tile_of[j, i] >= 0 and abs(r[j, i]) > largest:
                largest = abs(r[j, i])
    return largest


@numba.njit(cache=True)
def _tile_sums_fixed(r, tile_of, j0, j1, i0, i1, inverse_quantum, sums):
    """sums[tile] += round(r / q) (exact: q is a power of two, the sums cannot overflow)."""
    for j in range(j0, j1):
        for i in range(i0, i1):
            t = tile_of[j, i]
            if t >= 0:
                sums[t] += np.int64(np.rint(r[j, i] * inverse_quantum))


@numba.njit(cache=True)
def _prolong(coarse, tile_of, z):
    for j in range(z.shape[0]):
        for i in range(z.shape[1]):
            t = tile_of[j, i]
            if t >= 0:
                z[j, i] += coarse[t]

"""Cholesky factor and substitutions of a symmetric positive definite band matrix, stored
by rows of its lower band: ``band[r, d]`` = N[r, r - d] for d = 0..width (entries left of
column 0 are 0). The factor L (N = L L^T) overwrites the band in the same layout."""

from __future__ import annotations

import math

import numba


@numba.njit(cache=True)
def factor_band(band, tolerance):
    """In-place Cholesky factor L of the band; False if N is not positive definite (a
    pivot at or below ``tolerance`` times its diagonal entry)."""
    n, width = band.shape[0], band.shape[1] - 1
    for r in range(n):
        first = max(0, r - width)
        for c in range(first, r + 1):
            total = band[r, r - c]
            for k in range(max(first, c - width), c):
                total -= band[r, r - k] * band[c, c - k]
            if c == r:
                if not total > tolerance * band[r, 0]:
                    return False
                band[r, 0] = math.sqrt(total)
            else:
                band[r, r - c] = total / band[c, 0]
    return True


@numba.njit(cache=True, nogil=True)
def forward_substitute(band, b):
    """b = L^-1 b in place, with the rows of L in order."""
    n, width = band.shape[0], band.shape[1] - 1
    for r in range(n):
        total = b[r]
        for k in range(max(0, r - width), r):
            total -= band[r, r - k] * b[k]
        b[r] = total / band[r, 0]


@numba.njit(cache=True, nogil=True)
def backward_substitute(band, b):
    """b = L^-T b in place: the columns of L^T are its rows, read in reverse."""
    n, width = band.shape[0], band.shape[1] - 1
    for r in range(n - 1, -1, -1):
        b[r] /= band[r, 0]
        value = b[r]
        for k in range(max(0, r - width), r):
            b[k] -= band[r, r - k] * value


@numba.njit(cache=True)
def solve_band(band, b):
    """b = (L L^T)^-1 b in place."""
    forward_substitute(band, b)
    backward_substitute(band, b)

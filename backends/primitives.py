"""Array primitives shared by the backends: allocation, fill, copy, reductions.

Reductions run in a fixed order (sequential over the box, not threaded), so a sum does
not depend on the number of threads: the basis for reproducible global sums.
"""

from __future__ import annotations

import numba
import numpy as np

from .exact_sum import box_dot_exact, box_products_exact


@numba.njit(cache=True)
def _box_dot(a, b, j0, j1, i0, i1):
    total = 0.0
    for j in range(j0, j1):
        for i in range(i0, i1):
            total += a[j, i] * b[j, i]
    return total


@numba.njit(cache=True)
def _box_sum3(a, w, k0, k1, j0, j1, i0, i1):
    total = 0.0
    for k in range(k0, k1):
        for j in range(j0, j1):
            for i in range(i0, i1):
                total += a[k, j, i] * w[k, j, i]
    return total


@numba.njit(cache=True)
def _box_maxabs3(a, mask, k0, k1, j0, j1, i0, i1):
    best = 0.0
    for k in range(k0, k1):
        for j in range(j0, j1):
            for i in range(i0, i1):
                if mask[k, j, i] != 0.0:
                    v = abs(a[k, j, i])
                    if v != v:  # NaN wins
                        return v
                    if v > best:
                        best = v
    return best


@numba.njit(cache=True)
def _box_allfinite(a, k0, k1, j0, j1, i0, i1):
    for k in range(k0, k1):
        for j in range(j0, j1):
            for i in range(i0, i1):
                if not np.isfinite(a[k, j, i]):
                    return False
    return True


def as3d(a):
    """View a 2-D field as one level of a 3-D one, so kernels see [k, j, i] always."""
    return a.reshape((1,) + a.shape) if a.ndim == 2 else a


class HostPrimitives:
    """Primitives on NumPy arrays (the CPU backend and the CUDA simulator)."""

    xp = np

    def zeros(self, shape, dtype=np.float64):
        return np.zeros(shape, dtype=dtype)

    def asarray(self, host_array, dtype=None):
        return np.ascontiguousarray(host_array, dtype=dtype)

    def to_host(self, arr):
        return np.asarray(arr)

    def fill(self, arr, value):
        arr[...] = value

    def copy(self, dst, src):
        dst[...] = src

    def dot2(self, a, b, box):
        """sum a*b over the 2-D box (j0, j1, i0, i1)."""
        return float(_box_dot(a, b, *box))

    def dot2_exact(self, a, b, box):
        """Exact accumulator (``backends/exact_sum.py``) of sum a*b over the 2-D box."""
        return box_dot_exact(a, b, box)

    def weighted_sum(self, a, w, box):
        """sum a*w over the 3-D box (k0, k1, j0, j1, i0, i1)."""
        return float(_box_sum3(as3d(a), as3d(w), *box))

    def weighted_sum_exact(self, a, w, box):
        """Exact accumulator (``backends/exact_sum.py``) of sum a*w over the 3-D box."""
        return box_products_exact(as3d(a), as3d(w), tuple(int(b) for b in box))

    def masked_max_abs(self, a, mask, box):
        """max |a| where mask != 0 over the 3-D box; NaN if any such value is NaN."""
        return float(_box_maxabs3(as3d(a), as3d(mask), *box))

    def all_finite(self, a, box):
        return bool(_box_allfinite(as3d(a), *box))

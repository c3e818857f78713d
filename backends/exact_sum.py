"""Exact sums of doubles: the basis of decomposition-independent global reductions.

A sum of floating-point numbers depends on the order of the additions; a global dot
product summed per block and then across ranks therefore changes with the decomposition.
Here every term ``x = m 2^e`` (integer mantissa ``m``, |m| < 2^53) is added exactly into a
fixed-point accumulator of ``LIMBS`` signed 64-bit limbs of 32 bits each spanning the whole
double range (bit 0 is 2^-1074). Integer additions are exact and associative, so partial
accumulators of any blocks can be added (also by ``MPI_Allreduce`` with ``SUM``) and the
result, rounded once to the nearest double, does not depend on how the domain was cut.

A limb absorbs 2^31 terms of up to 2^32 before it could overflow; ``normalise`` carries
each limb into the next so that accumulators of 2^31 blocks can still be summed.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import prange

LIMB_BITS = 32
LIMBS = 68  # 68 * 32 = 2176 bits > 2098 bits of double range, plus room for carries
_MASK = (1 << LIMB_BITS) - 1


@numba.njit(cache=True, inline="always")
def _add(acc, bits):
    """acc += x exactly, given the bit pattern of the double x; False if x is not finite.
    x = m 2^(p - 1074) with m < 2^53 split into 32 + 21 bits, each shifted into place and
    cut into two 32-bit pieces."""
    biased = (bits >> 52) & 0x7FF
    if biased == 0x7FF:
        return False
    mantissa = bits & 0xFFFFFFFFFFFFF
    position = np.int64(0)
    if biased != 0:
        mantissa |= np.int64(1) << 52
        position = biased - 1
    sign = np.int64(-1) if bits < 0 else np.int64(1)
    limb = position >> 5
    shift = position & 31
    low = (mantissa & _MASK) << shift  # < 2^63
    high = (mantissa >> 32) << shift  # < 2^52
    acc[limb] += sign * (low & _MASK)
    acc[limb + 1] += sign * ((low >> 32) + (high & _MASK))
    acc[limb + 2] += sign * (high >> 32)
    return True


@numba.njit(cache=True)
def _accumulate(acc, bits):
    """Add the doubles whose bit patterns are ``bits`` into ``acc``; False at a non-finite."""
    for n in range(bits.size):
        if not _add(acc, bits[n]):
            return False
    return True


@numba.njit(cache=True)
def normalise(acc):
    """Carry every limb into the next so that each lies in [0, 2^32) (the top one signed)."""
    for m in range(acc.size - 1):
        carry = acc[m] >> LIMB_BITS  # floor division: works for negative limbs
        acc[m] -= carry << LIMB_BITS
        acc[m + 1] += carry
    return acc


def new_accumulator() -> np.ndarray:
    return np.zeros(LIMBS, dtype=np.int64)


def accumulate(acc: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Add the float64 ``values`` exactly into ``acc``; a non-finite value raises."""
    flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    if not _accumulate(acc, flat.view(np.int64)):
        raise FloatingPointError("exact sum of values that are not finite")
    return normalise(acc)


@numba.njit(cache=True)
def _box_dot(a, b, j0, j1, i0, i1, acc, cell):
    """acc += sum a*b exactly; ``cell`` is a float64[1] whose int64 view gives the bits."""
    bits = cell.view(np.int64)
    for j in range(j0, j1):
        for i in range(i0, i1):
            cell[0] = a[j, i] * b[j, i]
            if not _add(acc, bits[0]):
                return False
    return True


def box_dot_exact(a, b, box) -> np.ndarray:
    """Accumulator of sum a*b over the 2-D box (j0, j1, i0, i1) of host arrays."""
    acc = new_accumulator()
    if not _box_dot(a, b, *box, acc, np.zeros(1)):
        raise FloatingPointError("exact dot product of values that are not finite")
    return normalise(acc)


@numba.njit(cache=True, parallel=True)
def _box_products_by_level(a, w, k0, k1, j0, j1, i0, i1, accs):
    """accs[k - k0] += sum a*w over level k of the 3-D box, exactly, the levels in
    parallel (each its own accumulator); False if a product is not finite."""
    finite = np.ones(k1 - k0, dtype=np.bool_)
    for n in prange(k1 - k0):
        k = k0 + n
        acc = accs[n]
        cell = np.zeros(1)
        bits = cell.view(np.int64)
        for j in range(j0, j1):
            for i in range(i0, i1):
                cell[0] = a[k, j, i] * w[k, j, i]
                if not _add(acc, bits[0]):
                    finite[n] = False
    return finite.all()


def box_products_exact(a, w, box) -> np.ndarray:
    """Accumulator of sum a*w over the 3-D box (k0, k1, j0, j1, i0, i1) of host arrays:
    one accumulator per level (summed in parallel), normalised and added, all exactly."""
    k0, k1 = box[:2]
    accs = np.zeros((max(k1 - k0, 0), LIMBS), dtype=np.int64)
    if not _box_products_by_level(a, w, *box, accs):
        raise FloatingPointError("exact sum of products that are not finite")
    for acc in accs:
        normalise(acc)
    return normalise(accs.sum(axis=0)) if len(accs) else new_accumulator()


@numba.njit(cache=True)
def _round(acc):
    """The sum held by the accumulator ``acc``, rounded once to a double (ties to even):
    the 64 bits below its leading one, with a sticky bit for anything further down."""
    work = normalise(acc.copy())
    negative = work[-1] < 0
    if negative:
        for m in range(work.size):
            work[m] = -work[m]
        normalise(work)
    top = work.size - 1
    while top >= 0 and work[top] == 0:
        top -= 1
    if top < 0:
        return 0.0
    width = 0  # significant bits of the top limb, 1..32 (more: beyond the double range)
    while (work[top] >> width) != 0:
        width += 1
    if width > LIMB_BITS:
        return -np.inf if negative else np.inf
    w0 = np.uint64(work[top])
    w1 = np.uint64(work[top - 1]) if top >= 1 else np.uint64(0)
    w2 = np.uint64(work[top - 2]) if top >= 2 else np.uint64(0)
    u = np.uint64(width)
    bits = (w0 << (np.uint64(64) - u)) | (w1 << (np.uint64(32) - u)) | (w2 >> u)
    sticky = (w2 & ((np.uint64(1) << u) - np.uint64(1))) != 0
    for m in range(top - 2):
        sticky = sticky or work[m] != 0
    if sticky:
        bits |= np.uint64(1)
    value = np.ldexp(np.float64(bits), 32 * top + width - 64 - 1074)
    return -value if negative else value


@numba.njit(cache=True)
def _round_rows(accs, out):
    for n in range(accs.shape[0]):
        out[n] = _round(accs[n])


def to_floats(accs: np.ndarray) -> np.ndarray:
    """Every row [sum, limb] of ``accs`` rounded once to a double."""
    out = np.empty(accs.shape[0])
    _round_rows(accs, out)
    return out


def to_float(acc: np.ndarray) -> float:
    """The accumulated sum rounded once to the nearest double (ties to even)."""
    return float(_round(acc))

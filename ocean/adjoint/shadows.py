"""Adjoint (and tangent) arrays beside the model's arrays.

Every array the model passes to a kernel is a view of some base buffer (a time level of
``u``, a 2-D field seen as 3-D, ...). :class:`Shadows` keeps one zero-initialised buffer
per base buffer and hands out the view at the same offset, so the adjoint of ``u[tau]``
is the same memory whichever view of it a kernel was given.
"""

from __future__ import annotations

import numpy as np


def address(a) -> int:
    """Device or host address of an array's first element.

    On the host through ``ctypes.data``: as fast as ``__array_interface__``, which (NumPy
    2.4) grows a cache of about 2 MiB over some 10^5 calls that memory probes then see."""
    data = a.data
    return data.ptr if hasattr(data, "ptr") else a.ctypes.data


def extent(a) -> tuple[int, int]:
    """[lo, hi) byte range an array's elements cover."""
    lo = hi = address(a)
    for n, stride in zip(a.shape, a.strides, strict=True):
        if n == 0:
            return lo, lo
        span = (n - 1) * stride
        lo, hi = (lo + span, hi) if span < 0 else (lo, hi + span)
    return lo, hi + a.itemsize


def overlaps(a, b) -> bool:
    (alo, ahi), (blo, bhi) = extent(a), extent(b)
    return alo < bhi and blo < ahi


def base_of(a):
    """The array owning ``a``'s memory."""
    while getattr(a, "base", None) is not None and hasattr(a.base, "shape"):
        a = a.base
    return a


class Shadows:
    """Zero-initialised arrays shaped like the model's, one per base buffer."""

    def __init__(self, backend):
        self.backend = backend
        self._by_base: dict[int, tuple[object, object]] = {}

    def of(self, view):
        """The shadow of ``view``: same shape, strides and offset in the shadow buffer."""
        base = base_of(view)
        entry = self._by_base.get(id(base))
        if entry is None or entry[0] is not base:
            entry = (base, self.backend.xp.zeros(base.shape, dtype=base.dtype))
            self._by_base[id(base)] = entry
        shadow = entry[1]
        if view is base:
            return shadow
        offset = address(view) - address(base)
        xp = self.backend.xp
        if xp is np:
            return np.ndarray(view.shape, view.dtype, buffer=shadow, offset=offset,
                              strides=view.strides)  # fmt: skip
        return xp.ndarray(view.shape, view.dtype, memptr=shadow.data + offset,
                          strides=view.strides)  # fmt: skip

    def has(self, view) -> bool:
        entry = self._by_base.get(id(base_of(view)))
        return entry is not None and entry[0] is base_of(view)

    def zero(self):
        for _, shadow in self._by_base.values():
            shadow[...] = 0.0

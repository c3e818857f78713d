"""A profiling proxy around a model's backend: time and estimated bytes of every launch.

``model.backend = ProfilingBackend(model.backend)`` is enough: the physics objects look up
``model.backend`` at call time (``m.backend.launch(...)``), so every kernel launch and every
array primitive (``dot2``, ``copy``, ``fill``, ...) of a step goes through the proxy. Put
the original back with ``model.backend = proxy.wrapped`` (or use ``profiled(model)``).

Bytes moved by a launch are an estimate of the compulsory traffic: every distinct array
argument counted once over the launched region, as if each element were read or written
exactly once and neighbours of a stencil came from cache:

* an array whose last two axes are (j, i) contributes ``(j1-j0)*(i1-i0)*itemsize`` times the
  number of its leading elements in the region: for a cell kernel the levels ``k0..k1``
  (clipped to the array's own depth, so a 2-D field counts one level), for a column kernel
  all of its levels (a column kernel walks the whole column);
* 1-D metric arrays (dxt, dzt, cost, ...) are counted in full (they are tiny);
* an array passed twice (same memory) is counted once; scalars are free.

The estimate ignores the halo ring a stencil reads beyond the region, write-allocate
traffic, and re-reads when a neighbour has fallen out of cache, so it is a lower bound of
the real traffic and the effective bandwidth derived from it is a lower bound too.
"""

from __future__ import annotations

import collections
import contextlib
import time

import numpy as np

#: primitives of the backends that touch arrays; their time is recorded as ``name()``
TIMED_PRIMITIVES = ("dot2", "weighted_sum", "masked_max_abs", "all_finite", "copy", "fill")


def region_bytes(region, args, column: bool) -> int:
    """Estimated bytes moved by one launch of a kernel over ``region`` (see module doc)."""
    if column:
        j0, j1, i0, i1 = region
        k0 = k1 = None
    else:
        k0, k1, j0, j1, i0, i1 = region
    plane = max(j1 - j0, 0) * max(i1 - i0, 0)
    seen, total = set(), 0
    for a in args:
        if not hasattr(a, "shape") or not hasattr(a, "dtype") or len(a.shape) == 0:
            continue
        key = (_pointer(a), tuple(a.shape))
        if key in seen:
            continue
        seen.add(key)
        itemsize = np.dtype(a.dtype).itemsize
        if len(a.shape) == 1:
            total += a.shape[0] * itemsize
            continue
        lead = int(np.prod(a.shape[:-2], dtype=np.int64))
        if not column and len(a.shape) == 3:
            lead = min(a.shape[0], max(k1 - k0, 0))
        total += lead * plane * itemsize
    return total


def _pointer(a):
    try:
        return a.__array_interface__["data"][0]
    except AttributeError:
        try:
            return a.__cuda_array_interface__["data"][0]
        except AttributeError:
            return id(a)


class ProfilingBackend:
    """Forwards everything to ``wrapped``; times launches and array primitives.

    ``seconds[name]`` and ``bytes[name]`` accumulate per kernel name (primitives as
    ``"dot2()"`` etc., their bytes are not estimated); ``calls[name]`` counts launches.
    On a GPU backend the proxy synchronizes around every call so that times are real.
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.seconds = collections.defaultdict(float)
        self.bytes = collections.defaultdict(int)
        self.calls = collections.defaultdict(int)
        self._sync = getattr(wrapped, "name", "cpu") != "cpu"

    def reset(self):
        self.seconds.clear()
        self.bytes.clear()
        self.calls.clear()

    def launch(self, kn, region, *args):
        if self._sync:
            self.wrapped.synchronize()
        t = time.perf_counter()
        self.wrapped.launch(kn, region, *args)
        if self._sync:
            self.wrapped.synchronize()
        self.seconds[kn.name] += time.perf_counter() - t
        self.calls[kn.name] += 1
        self.bytes[kn.name] += region_bytes(region, args, kn.column)

    def __getattr__(self, name):
        attr = getattr(self.wrapped, name)
        if name not in TIMED_PRIMITIVES or not callable(attr):
            return attr

        def timed(*args, **kwargs):
            t = time.perf_counter()
            result = attr(*args, **kwargs)
            self.seconds[name + "()"] += time.perf_counter() - t
            self.calls[name + "()"] += 1
            return result

        return timed

    def table(self, steps: int = 1, bandwidth: float | None = None) -> list[dict]:
        """Per-kernel rows, slowest first; GB/s also as a fraction of ``bandwidth`` [GB/s]."""
        rows = []
        for name in sorted(self.seconds, key=self.seconds.get, reverse=True):
            sec, nbytes = self.seconds[name], self.bytes.get(name, 0)
            gbs = nbytes / sec / 1e9 if sec > 0 and nbytes else None
            rows.append(
                {
                    "kernel": name,
                    "ms_per_step": 1e3 * sec / steps,
                    "launches_per_step": self.calls[name] / steps,
                    "GB_per_step": nbytes / steps / 1e9 if nbytes else None,
                    "GB/s": gbs,
                    "fraction_of_stream_triad": gbs / bandwidth if gbs and bandwidth else None,
                }
            )
        return rows


@contextlib.contextmanager
def profiled(model):
    """``with profiled(model) as prof: model.run(n)`` -- the proxy in place for the block."""
    proxy = ProfilingBackend(model.backend)
    model.backend = proxy
    try:
        yield proxy
    finally:
        model.backend = proxy.wrapped

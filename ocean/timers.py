"""Wall-clock timers by category, exclusive: time spent in a nested timer counts for the
inner category only (a halo exchange inside the solver is halo time, not solver time).

The categories the scaling benchmark reports: ``halo`` (exchanges, packing included),
``reduction`` (global sums), ``solver`` (the rest of the surface-pressure solve) and the
whole ``step``; compute is the step minus the others. Costs two clock reads per use.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager


class Timers:
    def __init__(self):
        self.seconds = defaultdict(float)
        self._stack = []  # [category, start, time spent in nested timers]

    @contextmanager
    def __call__(self, category: str):
        entry = [category, time.perf_counter(), 0.0]
        self._stack.append(entry)
        try:
            yield
        finally:
            self._stack.pop()
            elapsed = time.perf_counter() - entry[1]
            self.seconds[category] += elapsed - entry[2]
            if self._stack:
                self._stack[-1][2] += elapsed

    def reset(self):
        self.seconds.clear()

    def split(self) -> dict:
        """{category: seconds}, with ``compute`` = everything not in another category."""
        out = dict(self.seconds)
        out["compute"] = out.pop("step", 0.0)
        return out

"""The one place global reductions go through (serial here; MPI plugs in behind it)."""

from __future__ import annotations


class SerialComm:
    """One rank: reductions are the identity."""

    rank = 0
    size = 1

    def allreduce_sum(self, value: float) -> float:
        return value

    def allreduce_max(self, value: float) -> float:
        return value

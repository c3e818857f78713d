"""Communicators: the one place global reductions and messages go through.

``SerialComm`` is one rank without MPI; ``MpiComm`` wraps an mpi4py communicator. Both
offer the same calls, so the model code never asks which one it has:

- ``allreduce_sums`` / ``allreduce_max`` of floats (plain MPI sums: depend on the
  decomposition in the last bits);
- ``exact_sums(accumulators)``: sums of exact accumulators (``backends/exact_sum.py``)
  rounded once, the same on any decomposition; ``sum_integers`` of int64 arrays;
- point-to-point ``isend`` / ``irecv`` / ``waitall`` for the halo exchange;
- ``gather_to_root``, ``bcast``, ``barrier``, ``abort`` for I/O and errors.
"""

from __future__ import annotations

import sys

import numpy as np

from ocean.backends.exact_sum import normalise, to_floats


class SerialComm:
    """One rank: reductions are the identity and there are no messages."""

    rank = 0
    size = 1
    local_size = 1  # ranks on this node

    def allreduce_max(self, value: float) -> float:
        return value

    def exact_sums(self, accumulators: np.ndarray) -> list[float]:
        return to_floats(accumulators).tolist()

    def allreduce_sums(self, values) -> list[float]:
        return [float(v) for v in values]

    def sum_integers(self, values: np.ndarray) -> np.ndarray:
        return values

    def first_message(self, message):
        """The message of the lowest rank that has one (None if no rank has), on every rank."""
        return message

    def gather_to_root(self, item):
        return [item]

    def bcast(self, item):
        return item

    def barrier(self):
        pass

    def abort(self, code: int):
        sys.exit(code)

    def isend(self, buffer, dest, tag):
        raise RuntimeError("a serial run has no other rank to send to")

    irecv = isend

    def waitall(self, requests):
        pass


class MpiComm:
    """An mpi4py communicator (``MPI.COMM_WORLD`` unless given)."""

    def __init__(self, comm=None):
        from mpi4py import MPI

        self.MPI = MPI
        self.comm = comm if comm is not None else MPI.COMM_WORLD
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        node = self.comm.Split_type(MPI.COMM_TYPE_SHARED)
        self.local_size = node.Get_size()
        node.Free()

    def allreduce_max(self, value: float) -> float:
        # NaN must win as it does on one rank: max() ignores it in one order, not in the other
        value = float(value)
        if self.comm.allreduce(1 if value != value else 0, op=self.MPI.MAX):
            return float("nan")
        return self.comm.allreduce(value, op=self.MPI.MAX)

    def exact_sums(self, accumulators: np.ndarray) -> list[float]:
        """Several exact sums in one message: ``accumulators`` is [sum, limb]."""
        for acc in accumulators:
            normalise(acc)
        total = np.empty_like(accumulators)
        self.comm.Allreduce(accumulators, total, op=self.MPI.SUM)
        return to_floats(total).tolist()

    def sum_integers(self, values: np.ndarray) -> np.ndarray:
        """Element-wise sum of int64 arrays over the ranks (exact, order-free)."""
        total = np.empty_like(values)
        self.comm.Allreduce(values, total, op=self.MPI.SUM)
        return total

    def allreduce_sums(self, values) -> list[float]:
        """Several plain sums in one message."""
        local = np.asarray(values, dtype=np.float64)
        total = np.empty_like(local)
        self.comm.Allreduce(local, total, op=self.MPI.SUM)
        return total.tolist()

    def first_message(self, message):
        """The message of the lowest rank that has one (None if no rank has), on every rank."""
        messages = self.comm.allgather(message)
        return next((m for m in messages if m is not None), None)

    def gather_to_root(self, item):
        return self.comm.gather(item, root=0)

    def bcast(self, item):
        return self.comm.bcast(item, root=0)

    def barrier(self):
        self.comm.Barrier()

    def abort(self, code: int):
        sys.stdout.flush()
        sys.stderr.flush()
        self.comm.Abort(code)

    def isend(self, buffer, dest, tag):
        return self.comm.Isend(buffer, dest=dest, tag=tag)

    def irecv(self, buffer, source, tag):
        return self.comm.Irecv(buffer, source=source, tag=tag)

    def waitall(self, requests):
        self.MPI.Request.Waitall(requests)


def world_comm():
    """``MpiComm`` when started by an MPI launcher with more than one rank, else serial.

    mpi4py is imported (which initialises MPI) only when the environment says a launcher
    started us, so a plain serial run never loads an MPI library.
    """
    import os

    launched = any(
        key in os.environ
        for key in ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")
    )
    if not launched:
        return SerialComm()
    try:
        comm = MpiComm()
    except ImportError as err:
        raise RuntimeError(
            "started by an MPI launcher but mpi4py is not installed; install the extra: "
            'pip install "ocean-hybrid[mpi]"'
        ) from err
    return comm if comm.size > 1 else SerialComm()


def threads_per_rank(comm) -> int:
    """CPU threads for each rank: the node's cores shared by its ranks (at least 1), unless
    NUMBA_NUM_THREADS is set. Ranks that each start all cores' worth of threads
    oversubscribe the node and wait on each other's time slices at every message."""
    import os

    if "NUMBA_NUM_THREADS" in os.environ:
        return int(os.environ["NUMBA_NUM_THREADS"])
    return max(1, (os.cpu_count() or 1) // max(comm.local_size, 1))

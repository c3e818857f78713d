"""CPU backend: kernels compiled by Numba with ``parallel=True``, arrays are NumPy arrays."""

from __future__ import annotations

import numba
import numpy as np

from .launch import GeneratedLaunchers
from .primitives import HostPrimitives

#: one cell launcher, NAME, over the box; its index i is assumed >= LOWEST
CELL_LAUNCHER = """
@numba.njit(parallel=True, cache=True, nogil=True)
def NAME(k0, k1, j0, j1, i0, i1, {args}):
    nj = j1 - j0
    for kj in prange((k1 - k0) * nj):
        k = k0 + kj // nj
        j = j0 + kj % nj
        for i in range(i0, i1):
            _body(k, j, index_at_least(i, LOWEST), {call_args})
"""

#: what a cell or sweep launcher module starts with: its imports and the kernel body
CELL_HEADER = """\
import numba
from numba import prange
from ocean.backends.assume import index_at_least
from ocean.backends.inline import host_function
{import_line}
_body = host_function(_kernel_object.py_func)

"""

#: the cell launchers of a kernel: ``launch`` for boxes at least its radius from the
#: array's west edge (``backends/assume.py``), ``launch_from_edge`` for the others
CELL_TEMPLATE = (
    CELL_HEADER
    + CELL_LAUNCHER.replace("NAME", "launch").replace("LOWEST", "{radius}")
    + CELL_LAUNCHER.replace("NAME", "launch_from_edge").replace("LOWEST", "0")
)

#: one sweep launcher, NAME: rows j in parallel, within a row the levels in order
#: (LEVEL_OF_STEP), each level's cells with i innermost (assumed >= LOWEST)
SWEEP_LAUNCHER = """
@numba.njit(parallel=True, cache=True, nogil=True)
def NAME(k0, k1, j0, j1, i0, i1, {args}):
    for j in prange(j0, j1):
        for step in range(k1 - k0):
            k = LEVEL_OF_STEP
            for i in range(i0, i1):
                _body(k, j, index_at_least(i, LOWEST), {call_args})
"""

#: the sweep launchers of a kernel (``Kernel.sweep``), named as the cell launchers
SWEEP_TEMPLATE = (
    CELL_HEADER
    + SWEEP_LAUNCHER.replace("NAME", "launch").replace("LOWEST", "{radius}")
    + SWEEP_LAUNCHER.replace("NAME", "launch_from_edge").replace("LOWEST", "0")
).replace("LEVEL_OF_STEP", "{level_of_step}")

COLUMN_TEMPLATE = """\
import numba
from numba import prange
from ocean.backends.inline import host_function
{import_line}
_body = host_function(_kernel_object.py_func)


@numba.njit(parallel=True, cache=True, nogil=True)
def launch(j0, j1, i0, i1, {args}):
    for j in prange(j0, j1):
        for i in range(i0, i1):
            _body(j, i, {call_args})
"""


class CpuBackend(GeneratedLaunchers, HostPrimitives):
    """Numba on the host. ``launch`` runs a kernel over a box of cells."""

    name = "cpu"
    xp = np
    cell_template = CELL_TEMPLATE
    column_template = COLUMN_TEMPLATE
    sweep_template = SWEEP_TEMPLATE

    def launch(self, kn, region, *args):
        """Run ``kn`` on every cell of ``region`` = (k0, k1, j0, j1, i0, i1) or (j0, j1, i0, i1)."""
        self.check_arguments(kn, args)
        if kn.sweeps:
            return self.launch_sweeps(kn, region, args)
        static = self.static_values(kn, args) if kn.static else ()
        if kn.column or region[4] >= kn.radius:
            self.launcher(kn, "launch", static)(*region, *args)
        elif region[4] >= 0:  # a box at the array's edge (kernels that read only ahead)
            self.launcher(kn, "launch_from_edge", static)(*region, *args)
        else:
            raise ValueError(f"{kn.name} launched on a box from i = {region[4]} < 0")

    def synchronize(self):
        pass

    @staticmethod
    def set_threads(n: int):
        numba.set_num_threads(n)

"""CUDA backend: numba-cuda kernels on CuPy arrays, or on NumPy arrays in the simulator.

With ``NUMBA_ENABLE_CUDASIM=1`` the same launchers run in numba-cuda's simulator on NumPy
arrays, which is how CI tests the GPU path without a GPU (slow: keep grids tiny there).
"""

from __future__ import annotations

import os
from functools import cache

import numpy as np

from .exact_sum import accumulate, new_accumulator
from .inline import rebound, stencil_mode
from .launch import GeneratedLaunchers
from .primitives import HostPrimitives, as3d

CELL_TEMPLATE = """\
from numba import cuda
from ocean.backends.cuda import device_function
{import_line}
_body = device_function(_kernel_object.py_func)


@cuda.jit
def launch(k0, k1, j0, j1, i0, i1, {args}):
    i, j, k = cuda.grid(3)
    i += i0
    j += j0
    k += k0
    if i < i1 and j < j1 and k < k1:
        _body(k, j, i, {call_args})
"""

COLUMN_TEMPLATE = """\
from numba import cuda
from ocean.backends.cuda import device_function
{import_line}
_body = device_function(_kernel_object.py_func)


@cuda.jit
def launch(j0, j1, i0, i1, {args}):
    i, j = cuda.grid(2)
    i += i0
    j += j0
    if i < i1 and j < j1:
        _body(j, i, {call_args})
"""

#: a sweep kernel (``Kernel.sweep``): one thread per column visits its levels in order
SWEEP_TEMPLATE = """\
from numba import cuda
from ocean.backends.cuda import device_function
{import_line}
_body = device_function(_kernel_object.py_func)


@cuda.jit
def launch(k0, k1, j0, j1, i0, i1, {args}):
    i, j = cuda.grid(2)
    i += i0
    j += j0
    if i < i1 and j < j1:
        for step in range(k1 - k0):
            k = {level_of_step}
            _body(k, j, i, {call_args})
"""

#: threads per block along (x, y, z): x innermost for coalesced access
CELL_BLOCK = (32, 4, 2)
COLUMN_BLOCK = (32, 4)


def simulator_enabled() -> bool:
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") == "1"


@cache
def device_stencil(func):
    """The numba-cuda device function of stencil ``func``, inlined as ``stencil`` asked.

    numba-cuda (0.2x on) types device code with its own copy of Numba's core: a helper
    reached through Numba's ``register_jitable`` registry, as ``stencil`` registers it,
    was inlined with its arguments undefined ("No implementation of function
    mul(omitted(default=Undefined), ...)", numba-cuda 0.30.4 on an H200). Its own device
    functions are inlined correctly (tests/backends/test_cuda_compile.py, every kernel)."""
    from numba import cuda

    return cuda.jit(device=True, inline=stencil_mode(func))(rebound(func, device_stencil))


def device_function(func):
    """The device function of a kernel body, its stencils :func:`device_stencil`: inlined
    before typing (``backends/inline.py``). The simulator calls them as Python."""
    from numba import cuda

    if simulator_enabled():
        return cuda.jit(device=True)(func)
    return cuda.jit(device=True)(rebound(func, device_stencil))


def _blocks(extent, block):
    return tuple(max(1, -(-n // b)) for n, b in zip(extent, block, strict=True))


class CudaBackend(GeneratedLaunchers, HostPrimitives):
    """numba-cuda launches; CuPy arrays on a GPU, NumPy arrays in the simulator."""

    name = "cuda"
    cell_template = CELL_TEMPLATE
    column_template = COLUMN_TEMPLATE
    sweep_template = SWEEP_TEMPLATE

    def __init__(self):
        self.simulated = simulator_enabled()
        try:
            from numba import cuda
        except ImportError as err:  # pragma: no cover - depends on the install
            raise RuntimeError(
                "backend 'cuda' needs numba-cuda: pip install 'ocean-hybrid[gpu]'"
            ) from err
        self._cuda = cuda
        if self.simulated:
            self.xp = np
        else:
            try:
                import cupy
            except ImportError as err:
                raise RuntimeError(
                    "backend 'cuda' needs CuPy on a machine with an NVIDIA GPU "
                    "(pip install 'ocean-hybrid[gpu]'); use --backend cpu, or set "
                    "NUMBA_ENABLE_CUDASIM=1 to run the CUDA kernels in the simulator"
                ) from err
            if not cuda.is_available():
                raise RuntimeError(
                    "backend 'cuda' was asked for but no CUDA GPU is visible "
                    "(numba.cuda.is_available() is False); use --backend cpu"
                )
            self.xp = cupy

    # -- launching -----------------------------------------------------------------
    def cache_tag(self):
        return "cudasim" if self.simulated else "cuda"

    def launch(self, kn, region, *args):
        self.check_arguments(kn, args)
        if kn.sweeps:
            return self.launch_sweeps(kn, region, args)
        if kn.column:
            j0, j1, i0, i1 = region
            extent, block = (i1 - i0, j1 - j0), COLUMN_BLOCK
        elif kn.sweep:
            k0, k1, j0, j1, i0, i1 = region
            extent, block = (i1 - i0, j1 - j0), COLUMN_BLOCK
            if k1 <= k0:
                return
        else:
            k0, k1, j0, j1, i0, i1 = region
            extent, block = (i1 - i0, j1 - j0, k1 - k0), CELL_BLOCK
        if min(extent) <= 0:
            return
        if self.simulated:  # the simulator runs one Python thread per GPU thread
            block = tuple(min(b, n) for b, n in zip(block, extent, strict=True))
        static = self.static_values(kn, args) if kn.static else ()
        self.launcher(kn, "launch", static)[_blocks(extent, block), block](*region, *args)

    def synchronize(self):
        if not self.simulated:
            self._cuda.synchronize()

    # -- primitives on the device (the simulator uses the host versions) -------------
    def zeros(self, shape, dtype=np.float64):
        return self.xp.zeros(shape, dtype=dtype)

    def asarray(self, host_array, dtype=None):
        return self.xp.ascontiguousarray(self.xp.asarray(host_array, dtype=dtype))

    def to_host(self, arr):
        return np.asarray(arr) if self.simulated else self.xp.asnumpy(arr)

    def dot2(self, a, b, box):
        if self.simulated:
            return super().dot2(a, b, box)
        j0, j1, i0, i1 = box
        return float(self.xp.sum(a[j0:j1, i0:i1] * b[j0:j1, i0:i1]))

    def dot2_exact(self, a, b, box):
        """Exact accumulator of sum a*b: products on the device, the exact sum on the host
        (one copy of the box per call; a device-side accumulator is future work)."""
        if self.simulated:
            return super().dot2_exact(a, b, box)
        j0, j1, i0, i1 = box
        products = self.xp.asnumpy(a[j0:j1, i0:i1] * b[j0:j1, i0:i1])
        return accumulate(new_accumulator(), products)

    def weighted_sum(self, a, w, box):
        if self.simulated:
            return super().weighted_sum(a, w, box)
        return float(self.xp.sum(_box_products(a, w, box)))

    def weighted_sum_exact(self, a, w, box):
        """Exact accumulator of sum a*w: products on the device, the sum on the host."""
        if self.simulated:
            return super().weighted_sum_exact(a, w, box)
        return accumulate(new_accumulator(), self.xp.asnumpy(_box_products(a, w, box)))

    def masked_max_abs(self, a, mask, box):
        if self.simulated:
            return super().masked_max_abs(a, mask, box)
        k0, k1, j0, j1, i0, i1 = box
        a, mask = as3d(a), as3d(mask)
        sl = (slice(k0, k1), slice(j0, j1), slice(i0, i1))
        vals = self.xp.abs(a[sl]) * (mask[sl] != 0)
        if bool(self.xp.isnan(vals).any()):
            return float("nan")
        return float(vals.max())

    def all_finite(self, a, box):
        if self.simulated:
            return super().all_finite(a, box)
        k0, k1, j0, j1, i0, i1 = box
        return bool(self.xp.isfinite(as3d(a)[k0:k1, j0:j1, i0:i1]).all())


def _box_products(a, w, box):
    """a*w over the 3-D box (k0, k1, j0, j1, i0, i1), as a new array on a's device."""
    k0, k1, j0, j1, i0, i1 = box
    sl = (slice(k0, k1), slice(j0, j1), slice(i0, i1))
    return as3d(a)[sl] * as3d(w)[sl]

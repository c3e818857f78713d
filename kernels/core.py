"""Decorators that mark scalar stencil functions as kernels.

A kernel is a plain Python function of the cell index ``(k, j, i)`` (or of the column
index ``(j, i)`` for a column kernel) followed by its array and scalar arguments. It
writes only the outputs at its own cell and reads neighbours within ``radius`` cells.
The same source is compiled by every backend (``ocean.backends``): Numba on the CPU,
numba-cuda on the GPU or in the CUDA simulator.

Helpers called from kernels are marked ``@stencil``: they become inlinable functions
callable from both Numba targets and from plain Python.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from numba.extending import register_jitable

__all__ = ["Kernel", "kernel", "column_kernel", "stencil", "KERNELS"]

#: every kernel defined so far, by qualified name (used by tests and cache warm-up)
KERNELS: dict[str, Kernel] = {}


@dataclass(frozen=True, eq=False)
class Kernel:
    """A scalar stencil function and what a backend needs to launch it."""

    py_func: object
    radius: int
    column: bool
    arg_names: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.py_func.__name__

    @property
    def module(self) -> str:
        return self.py_func.__module__

    @property
    def index_names(self) -> tuple[str, ...]:
        return ("j", "i") if self.column else ("k", "j", "i")

    def __call__(self, *args):
        """Run the scalar body for one cell in plain Python (used by tests as an oracle)."""
        return self.py_func(*args)


#: names the generated launch loops use for the box bounds
LAUNCH_BOUNDS = ("k0", "k1", "j0", "j1", "i0", "i1")


def _make(func, radius: int, column: bool) -> Kernel:
    params = list(inspect.signature(func).parameters)
    index = ["j", "i"] if column else ["k", "j", "i"]
    if params[: len(index)] != index:
        raise TypeError(
            f"kernel {func.__module__}.{func.__name__} must start with the index "
            f"arguments {tuple(index)}, got {tuple(params[: len(index)])}"
        )
    reserved = set(params[len(index) :]) & set(LAUNCH_BOUNDS)
    if reserved:
        raise TypeError(
            f"kernel {func.__module__}.{func.__name__}: argument names {sorted(reserved)} are "
            f"taken by the launch loop's bounds {LAUNCH_BOUNDS}; rename them"
        )
    kn = Kernel(func, radius, column, tuple(params[len(index) :]))
    KERNELS[f"{kn.module}.{kn.name}"] = kn
    return kn


def kernel(radius: int = 1):
    """Mark ``f(k, j, i, *args)`` as a cell kernel reading neighbours within ``radius``."""

    def wrap(func):
        return _make(func, radius, column=False)

    return wrap


def column_kernel(radius: int = 0):
    """Mark ``f(j, i, *args)`` as a column kernel that loops over k itself."""

    def wrap(func):
        return _make(func, radius, column=True)

    return wrap


def stencil(func=None, *, inline: bool = True):
    """Mark a scalar helper callable from kernels on every backend (and from Python).

    Helpers are inlined at the Numba IR level: kernels take many array arguments, and a
    call per cell would cost more than the arithmetic. Helpers called once per column
    (tridiagonal solves) may stay calls: ``@stencil(inline=False)``.
    """
    if func is None:
        return lambda f: stencil(f, inline=inline)
    return register_jitable(inline="always" if inline else "never")(func)

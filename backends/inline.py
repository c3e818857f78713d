"""Stencils as functions of the target compiler, inlined before type inference.

``kernels.core.stencil`` registers each helper with ``register_jitable``, which every
Numba target understands; such a helper is inlined after type inference, call site by
call site, and each inlining types the helper again inside its caller. A kernel built
from deep trees of helpers (the TEOS-10 polynomials at eight Gauss nodes, in several
branches of the equation of state) then takes minutes to compile: 75 s for
``enthalpy.state_and_enthalpy`` on the CPU, whichever equation of state it was for.

:func:`rebound` copies a function with the global names of the stencils it calls pointing
to the target's own function objects (``numba.njit`` or ``cuda.jit(device=True)``, with
``inline`` as ``stencil`` asked) instead. Numba splices those into the caller's IR before
it types anything, so a kernel is typed once, and a branch on a static argument
(``Kernel.static``, compiled in as a constant) is pruned before typing: 7 s for the same
kernel. The arithmetic is the same; only the compiler's route to it changes.
"""

from __future__ import annotations

import types
from functools import cache

import numba

#: inline mode of every stencil by id, rebuilt when ``STENCILS`` has grown
_modes: dict[int, str] = {}


def stencil_mode(value) -> str | None:
    """``"always"`` or ``"never"`` if ``value`` is a stencil, else None."""
    from ocean.kernels.core import STENCILS

    if len(_modes) != len(STENCILS):
        _modes.clear()
        _modes.update((id(func), mode) for func, mode in STENCILS)
    return _modes.get(id(value))


def rebound(func, target_stencil):
    """A copy of ``func`` whose globals that name stencils name ``target_stencil(stencil)``
    instead (``func`` itself if it calls none)."""
    names = {
        name: target_stencil(value)
        for name in func.__code__.co_names
        if stencil_mode(value := func.__globals__.get(name)) is not None
    }
    if not names:
        return func
    namespace = {**func.__globals__, **names}
    copy = types.FunctionType(
        func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__
    )
    copy.__kwdefaults__ = func.__kwdefaults__
    copy.__module__ = func.__module__
    copy.__qualname__ = func.__qualname__
    copy.__doc__ = func.__doc__
    return copy


@cache
def host_stencil(func):
    """The ``numba.njit`` copy of stencil ``func``, inlined as ``stencil`` asked."""
    return numba.njit(rebound(func, host_stencil), inline=stencil_mode(func), nogil=True)


def host_function(func):
    """``numba.njit(func, inline="always")``, the stencils it calls :func:`host_stencil`."""
    return numba.njit(rebound(func, host_stencil), inline="always", nogil=True)

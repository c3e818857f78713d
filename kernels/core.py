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

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from numba.extending import register_jitable

__all__ = [
    "Kernel",
    "kernel",
    "column_kernel",
    "stencil",
    "KERNELS",
    "ADJOINTS",
    "adjoint_of",
    "in_box",
    "in_box2",
]

#: every kernel defined so far, by qualified name (used by tests and cache warm-up)
KERNELS: dict[str, Kernel] = {}


@dataclass(frozen=True, eq=False)
class Kernel:
    """A scalar stencil function and what a backend needs to launch it."""

    py_func: object
    radius: int
    column: bool
    arg_names: tuple[str, ...] = field(default=())
    #: the order of a cell kernel's levels within each column: 0 any (in parallel), +1
    #: bottom to top (k increasing), -1 top to bottom (see :func:`kernel`)
    sweep: int = 0
    #: integer (or bool) arguments compiled in as constants, one launcher per value seen
    static: tuple[str, ...] = ()
    #: a column kernel's form as cell or sweep kernels with its arguments, which the
    #: backends launch instead, in order, over all levels of its columns
    #: (:func:`column_kernel`)
    sweeps: tuple = ()

    @property
    def static_positions(self) -> tuple[int, ...]:
        """Where the ``static`` arguments are among ``arg_names``."""
        return tuple(self.arg_names.index(n) for n in self.static)

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


def _make(func, radius: int, column: bool, sweep: int = 0, static=()) -> Kernel:
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
    if sweep not in (-1, 0, 1):
        raise ValueError(
            f"kernel {func.__module__}.{func.__name__}: sweep = {sweep!r}; allowed are 0 (any "
            "order), 1 (k increasing) and -1 (k decreasing)"
        )
    unknown = sorted(set(static) - set(params[len(index) :]))
    if unknown:
        raise TypeError(
            f"kernel {func.__module__}.{func.__name__}: static arguments {unknown} are not "
            f"among its arguments {tuple(params[len(index) :])}"
        )
    kn = Kernel(func, radius, column, tuple(params[len(index) :]), sweep, tuple(static))
    KERNELS[f"{kn.module}.{kn.name}"] = kn
    return kn


def kernel(radius: int = 1, sweep: int = 0, static=()):
    """Mark ``f(k, j, i, *args)`` as a cell kernel reading neighbours within ``radius``.

    ``static`` names integer or bool arguments that select a variant (a scheme, an equation
    of state, a switch): each value a launch passes gets its own launcher, with the value
    compiled in as a constant, so that the branches on it fold away and the cell loop can
    vectorise (a branch on a runtime value, even one that never changes, keeps LLVM from
    vectorising: a chain of them becomes a switch).

    ``sweep`` = 1 (-1) visits the levels of each column in order of increasing
    (decreasing) k, one level of a whole row of columns after the other, so that the body
    may read what it wrote one level below (above) in its own column: a recurrence in k,
    such as the sweeps of a tridiagonal solve, with i the innermost loop. On the CPU that
    loop vectorises and runs many columns' recurrences side by side, where a column
    kernel runs one column's chain of dependent divisions at a time.
    """

    def wrap(func):
        return _make(func, radius, column=False, sweep=sweep, static=static)

    return wrap


def column_kernel(radius: int = 0, static=(), sweeps=()):
    """Mark ``f(j, i, *args)`` as a column kernel that loops over k itself (``static`` as
    for :func:`kernel`).

    ``sweeps``: cell or sweep kernels (:func:`kernel`) taking the same arguments that,
    launched in this order over all levels of the same columns, do the same work bit for
    bit. The backends then launch those instead: a column's chain of dependent divisions
    (a tridiagonal solve) runs one column at a time, a sweep runs a row of columns side by
    side. The column form stays the definition: its adjoint kernels, its tangent-linear
    and the tests' oracles read it. The levels are those of the first 3-D array argument.
    """

    def wrap(func):
        kn = _make(func, radius, column=True, static=static)
        for form in sweeps:
            check_sweep_form(kn, form)
        if sweeps:
            kn = dataclasses.replace(kn, sweeps=tuple(sweeps))
            KERNELS[f"{kn.module}.{kn.name}"] = kn
        return kn

    return wrap


def check_sweep_form(kn: Kernel, form) -> None:
    """Refuse, naming what differs, a sweep form that cannot stand in for ``kn``."""
    where = f"column kernel {kn.module}.{kn.name}"
    if not isinstance(form, Kernel) or form.column:
        raise TypeError(f"{where}: its sweeps must be cell or sweep kernels, got {form!r}")
    if form.arg_names != kn.arg_names:
        raise TypeError(
            f"{where}: sweep form {form.name} takes {form.arg_names}, not the column "
            f"kernel's arguments {kn.arg_names}"
        )
    if form.radius > kn.radius or form.static != kn.static:
        raise TypeError(
            f"{where}: sweep form {form.name} has radius {form.radius} and static "
            f"{form.static}; it needs radius <= {kn.radius} and static {kn.static}"
        )


def stencil(func=None, *, inline: bool = True):
    """Mark a scalar helper callable from kernels on every backend (and from Python).

    Helpers are inlined at the Numba IR level: kernels take many array arguments, and a
    call per cell would cost more than the arithmetic. Helpers called once per column
    (tridiagonal solves) may stay calls: ``@stencil(inline=False)``. The compiled
    backends inline them before type inference (``backends/inline.py``); the
    ``register_jitable`` registration here serves plain Numba callers.
    """
    if func is None:
        return lambda f: stencil(f, inline=inline)
    mode = "always" if inline else "never"
    STENCILS.append((func, mode))
    return register_jitable(inline=mode)(func)


#: every ``stencil`` helper with its inline mode ("always" or "never"), in the order they
#: were made, for a backend whose compiler keeps its own registry of helpers (the CUDA
#: backend registers them there when it first compiles a launcher)
STENCILS: list[tuple[Callable, str]] = []


# -- adjoints ------------------------------------------------------------------------------
#: the argument of an adjoint kernel that receives the forward launch box
FORWARD_BOX = "fbox"


@dataclass(eq=False)
class AdjointSpec:
    """How a forward kernel's adjoint is computed.

    ``reads``: differentiable array inputs (their adjoints are accumulated, ``+=``);
    ``writes``: outputs overwritten on the launch box (their adjoints are read; the caller
    zeroes them on the box afterwards); ``updates``: outputs read and written in place
    (``y = g(y, x)``: their adjoint array holds ybar(new) on entry and ybar(old) on exit);
    ``scalars``: differentiable scalar arguments (an adjoint writes each output cell's
    contribution into an array shaped like the first output; the caller sums it);
    ``rows``: differentiable 1-D per-row (j) coefficients (likewise per cell, in an array
    shaped like the first output; the caller sums over k and i); ``scratch``: arrays the
    kernel writes as work space, whose values nothing reads afterwards (not
    differentiated, but a recording of the step must know they are overwritten).

    ``kernels``: one or more adjoint kernels, run in order. Each takes, after its index,
    any forward arguments by their names (inputs at their values before the launch,
    write-only outputs at their values after it), ``<name>_adj`` arrays of the names
    above, and ``fbox``, the forward launch box (a tuple of 6 or, for a column kernel, 4
    ints). Each is launched on the forward box widened by the forward radius and gathers:
    a cell writes only its own input adjoints (a cell kernel's adjoint may be a column
    kernel, launched on the widened columns, where a 2-D input's adjoint sums over k).
    Splitting an adjoint in several kernels keeps each call under the 30 arguments that
    Numba can inline. ``work``: (name, count) pairs of the adjoint's own work arrays,
    shaped (count, *first output's shape), that its kernels pass from one to the next
    (e.g. each face's flux partials, computed once, gathered by the cells next).
    """

    forward: Kernel
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    updates: tuple[str, ...] = ()
    scalars: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    scratch: tuple[str, ...] = ()
    kernels: list[Kernel] = field(default_factory=list)
    work: tuple[tuple[str, int], ...] = ()

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.writes + self.updates

    @property
    def needs(self) -> frozenset:
        """The forward arguments whose values the adjoint kernels read (they take them by
        name): a recording must keep only these from being overwritten."""
        forward = set(self.forward.arg_names)
        return frozenset(a for kn in self.kernels for a in kn.arg_names if a in forward)

    @property
    def declared(self) -> tuple:
        return (self.reads, self.writes, self.updates, self.scalars, self.rows, self.scratch)

    @property
    def adjoint_names(self) -> tuple[str, ...]:
        names = self.reads + self.updates + self.writes + self.scalars + self.rows
        return tuple(f"{n}_adj" for n in names)

    def check_complete(self):
        """Every read, update and scalar has its adjoint written by one of the kernels."""
        taken = {a for kn in self.kernels for a in kn.arg_names}
        missing = [
            f"{n}_adj"
            for n in self.reads + self.updates + self.scalars + self.rows
            if f"{n}_adj" not in taken
        ]
        if missing:
            raise TypeError(f"the adjoint of {self.forward.name} never takes {missing}")


#: forward kernel -> its adjoint spec
ADJOINTS: dict[Kernel, AdjointSpec] = {}


def adjoint_of(forward: Kernel, reads=(), writes=(), updates=(), scalars=(), rows=(), scratch=(),
               work=()):  # fmt: skip
    """Register the decorated kernel as (a part of) the hand-written adjoint of ``forward``.

    The first registration declares ``reads``, ``writes``, ``updates``, ``scalars``, ``rows``,
    ``scratch`` and ``work`` (see :class:`AdjointSpec`); further parts of the same adjoint
    repeat them or leave them out. Argument names are checked here, so a mismatch fails at
    import.
    """
    declared = tuple(tuple(x) for x in (reads, writes, updates, scalars, rows, scratch))
    work = tuple((str(n), int(c)) for n, c in work)

    def wrap(adjoint: Kernel) -> Kernel:
        spec = ADJOINTS.get(forward)
        if spec is None:
            spec = AdjointSpec(forward, *declared, work=work)
            named = spec.reads + spec.outputs + spec.scalars + spec.rows + spec.scratch
            unknown = set(named) - set(forward.arg_names)
            if unknown:
                raise TypeError(
                    f"adjoint of {forward.name}: no forward arguments {sorted(unknown)}"
                )
        elif (any(declared) or work) and (declared, work) != (spec.declared, spec.work):
            raise TypeError(f"{adjoint.name}: declares another adjoint of {forward.name}")
        if forward.column and not adjoint.column:
            raise TypeError(f"{adjoint.name}: the adjoint of a column kernel is a column kernel")
        work_names = [n for n, _ in spec.work]
        allowed = {*forward.arg_names, *spec.adjoint_names, *work_names, FORWARD_BOX}
        strange = [a for a in adjoint.arg_names if a not in allowed]
        if strange:
            raise TypeError(
                f"{adjoint.name}: arguments {strange} are neither arguments of "
                f"{forward.name}, nor adjoints {spec.adjoint_names}, nor work arrays "
                f"{work_names}, nor {FORWARD_BOX!r}"
            )
        spec.kernels.append(adjoint)
        ADJOINTS[forward] = spec
        return adjoint

    return wrap


@stencil
def in_box(k, j, i, fbox):
    """Whether cell (k, j, i) lies in the forward launch box."""
    # bitwise &: no branches to inline (chained comparisons upset Numba's SSA pass)
    return (
        (k >= fbox[0]) & (k < fbox[1]) & (j >= fbox[2]) & (j < fbox[3]) & (i >= fbox[4])
        & (i < fbox[5])
    )  # fmt: skip


@stencil
def in_box2(j, i, fbox):
    """Whether column (j, i) lies in the forward column box (j0, j1, i0, i1)."""
    return (j >= fbox[0]) & (j < fbox[1]) & (i >= fbox[2]) & (i < fbox[3])


@stencil
def in_columns(j, i, fbox):
    """Whether column (j, i) lies in the columns of the forward cell box
    (k0, k1, j0, j1, i0, i1): the test of a column adjoint of a cell kernel."""
    return (j >= fbox[2]) & (j < fbox[3]) & (i >= fbox[4]) & (i < fbox[5])

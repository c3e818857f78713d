"""Dual numbers: the exact tangent-linear of a kernel, without writing one.

A :class:`Dual` carries a value and a directional derivative; arithmetic, comparisons
(on the value), ``abs``, ``min``/``max`` and the ``math`` functions kernels use follow
the chain rule. :func:`jvp` runs a kernel's scalar body in plain Python on arrays of
duals, cell by cell, and returns the derivative of its outputs along a direction: the
reference against which hand-written adjoints are tested. Slow (Python per cell): for
grids of a few hundred cells.
"""

from __future__ import annotations

import math
import operator
import types

import numpy as np

__all__ = ["Dual", "jvp", "dual_array", "tangent", "run_body"]


def _parts(x):
    return (x.value, x.deriv) if isinstance(x, Dual) else (x, 0.0)


class Dual:
    """``value + eps * deriv`` with ``eps**2 = 0``."""

    __slots__ = ("value", "deriv")

    def __init__(self, value, deriv=0.0):
        self.value, self.deriv = value, deriv

    def __add__(self, other):
        b, db = _parts(other)
        return Dual(self.value + b, self.deriv + db)

    __radd__ = __add__

    def __sub__(self, other):
        b, db = _parts(other)
        return Dual(self.value - b, self.deriv - db)

    def __rsub__(self, other):
        return Dual(other - self.value, -self.deriv)

    def __mul__(self, other):
        b, db = _parts(other)
        return Dual(self.value * b, self.deriv * b + self.value * db)

    __rmul__ = __mul__

    def __truediv__(self, other):
        b, db = _parts(other)
        return Dual(self.value / b, (self.deriv * b - self.value * db) / (b * b))

    def __rtruediv__(self, other):
        return Dual(other / self.value, -other * self.deriv / (self.value * self.value))

    def __neg__(self):
        return Dual(-self.value, -self.deriv)

    def __pos__(self):
        return self

    def __pow__(self, p):
        if isinstance(p, Dual):
            raise TypeError("Dual ** Dual is not supported")
        return Dual(self.value**p, p * self.value ** (p - 1) * self.deriv)

    def __abs__(self):
        sign = float(self.value > 0) - float(self.value < 0)  # numpy bools do not subtract
        return Dual(abs(self.value), sign * self.deriv)

    def _cmp(self, other, op):
        return op(self.value, _parts(other)[0])

    def __lt__(self, o):
        return self._cmp(o, operator.lt)

    def __le__(self, o):
        return self._cmp(o, operator.le)

    def __gt__(self, o):
        return self._cmp(o, operator.gt)

    def __ge__(self, o):
        return self._cmp(o, operator.ge)

    def __eq__(self, o):
        return self._cmp(o, operator.eq)

    def __ne__(self, o):
        return self._cmp(o, operator.ne)

    __hash__ = None

    def __float__(self):
        raise TypeError("a Dual was converted to float: its derivative would be lost")

    def __repr__(self):
        return f"Dual({self.value!r}, {self.deriv!r})"


def _unary(f, df):
    def g(x):
        if isinstance(x, Dual):
            if x.deriv == 0:  # a constant: no derivative (even where df is singular)
                return Dual(f(x.value), 0.0)
            return Dual(f(x.value), df(x.value) * x.deriv)
        return f(x)

    g.__name__ = f.__name__
    return g


#: stand-in for the ``math`` module inside kernel bodies run on duals
dual_math = types.SimpleNamespace(
    # sqrt at 0 (e.g. TEOS-10's sqrt(S_A) on land): subgradient 0, as the adjoints take it
    sqrt=_unary(math.sqrt, lambda v: 0.5 / math.sqrt(v) if v > 0 else 0.0),
    exp=_unary(math.exp, math.exp),
    log=_unary(math.log, lambda v: 1.0 / v),
    tanh=_unary(math.tanh, lambda v: 1.0 - math.tanh(v) ** 2),
    sin=_unary(math.sin, math.cos),
    cos=_unary(math.cos, lambda v: -math.sin(v)),
    pi=math.pi,
    fabs=abs,
)
_MATH_NAMES = ("sqrt", "exp", "log", "tanh", "sin", "cos")
_MATH_FUNCTIONS = {getattr(math, n): getattr(dual_math, n) for n in _MATH_NAMES}


def _on_duals(func, memo):
    """A copy of ``func`` (and of the kernel helpers it calls) whose ``math`` is dual-aware."""
    if func in memo:
        return memo[func]
    glob = dict(func.__globals__)
    copy = types.FunctionType(func.__code__, glob, func.__name__, func.__defaults__,
                              func.__closure__)  # fmt: skip
    memo[func] = copy
    for name, value in glob.items():
        if value is math:
            glob[name] = dual_math
        elif callable(value) and value in _MATH_FUNCTIONS:
            glob[name] = _MATH_FUNCTIONS[value]
        elif isinstance(value, types.FunctionType) and value.__module__.startswith(
            ("ocean.kernels", func.__module__)
        ):
            glob[name] = _on_duals(value, memo)
    return copy


def run_body(kernel, region, args):
    """Run ``kernel``'s scalar body in Python on every cell of ``region``."""
    body = _on_duals(kernel.py_func, {})
    if kernel.column:
        j0, j1, i0, i1 = region
        for j in range(j0, j1):
            for i in range(i0, i1):
                body(j, i, *args)
    else:
        k0, k1, j0, j1, i0, i1 = region
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    body(k, j, i, *args)


def dual_array(values, direction=None):
    """An object array of duals (direction 0 where None)."""
    values = np.asarray(values, dtype=float)
    out = np.empty(values.shape, dtype=object)
    d = np.zeros_like(values) if direction is None else np.asarray(direction, dtype=float)
    for idx in np.ndindex(values.shape):
        out[idx] = Dual(float(values[idx]), float(d[idx]))
    return out


def tangent(array):
    """The derivative part of an object array of duals (0 where an entry is a plain number)."""
    out = np.zeros(array.shape)
    for idx in np.ndindex(array.shape):
        x = array[idx]
        out[idx] = x.deriv if isinstance(x, Dual) else 0.0
    return out


def jvp(kernel, region, args: dict, directions: dict, outputs, scratch=()):
    """Derivative of ``outputs`` (names of arrays ``kernel`` writes) along ``directions``
    (name -> array or scalar direction of an input), at the point ``args`` (name -> value).
    ``scratch``: work arrays the kernel writes (they hold duals during the run)."""
    dual_args = []
    for name in kernel.arg_names:
        value = args[name]
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            if name in directions or name in outputs or name in scratch:
                dual_args.append(dual_array(value, directions.get(name)))
            else:
                dual_args.append(value)
        elif name in directions:
            dual_args.append(Dual(float(value), float(directions[name])))
        else:
            dual_args.append(value)
    run_body(kernel, region, dual_args)
    by_name = dict(zip(kernel.arg_names, dual_args, strict=True))
    return {name: tangent(by_name[name]) for name in outputs}

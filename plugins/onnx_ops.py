"""Forward and vector-Jacobian product of the ONNX operators the native executor runs.

Each operator is an :class:`Op`: ``forward(xp, node, ins) -> (outputs, saved)`` and
``backward(xp, node, saved, gouts) -> grads`` (one entry per node input, ``None`` where
the input takes no gradient). The code is generic over the array module ``xp`` (numpy,
cupy); inputs in the ``static`` slots (shapes, axes, pads, starts) are read on the host
and are never trainable parameters. ``check(node, opset, shapes)`` names what the
executor cannot run (``shapes``: known initializer shapes), at load time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

FLOAT_TYPES = {1: np.float32, 11: np.float64}  # onnx TensorProto elem_type -> dtype


@dataclass(frozen=True)
class Op:
    forward: Callable
    backward: Callable
    static: tuple = ()
    check: Callable | None = None


OPS: dict[str, Op] = {}
#: what each operator allows beyond its ONNX definition (for the load error)
LIMITS = {
    "Conv": "2-D, strides 1, dilations 1, group 1",
    "Pad": "constant mode",
    "Cast": "to float32 or float64",
    "BatchNormalization": "inference form",
}


def register(name, static=(), check=None):
    def wrap(cls):
        OPS[name] = Op(cls.forward, cls.backward, static, check)
        return cls

    return wrap


def host(a):
    """A numpy copy of a (numpy or cupy) array."""
    return a.get() if hasattr(a, "get") else np.asarray(a)


def ints(a):
    return [int(v) for v in host(a).reshape(-1)]


def unbroadcast(xp, g, shape):
    """Sum the cotangent g of a broadcast result over the axes broadcast from ``shape``."""
    shape = tuple(shape)
    if g.shape == shape:
        return g
    if g.ndim > len(shape):
        g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return (g.sum(axis=axes, keepdims=True) if axes else g).reshape(shape)


# -- element-wise ---------------------------------------------------------------------
def _binary(name, f, df):
    class Binary:
        @staticmethod
        def forward(xp, node, ins):
            a, b = ins
            return (f(a, b),), (a, b)

        @staticmethod
        def backward(xp, node, saved, gouts):
            a, b = saved
            ga, gb = df(gouts[0], a, b)
            return unbroadcast(xp, ga, a.shape), unbroadcast(xp, gb, b.shape)

    register(name)(Binary)


_binary("Add", lambda a, b: a + b, lambda g, a, b: (g, g))
_binary("Sub", lambda a, b: a - b, lambda g, a, b: (g, -g))
_binary("Mul", lambda a, b: a * b, lambda g, a, b: (g * b, g * a))
_binary("Div", lambda a, b: a / b, lambda g, a, b: (g / b, -g * a / (b * b)))


def _unary(name, f, df, keep_output=False):
    """y = f(x); the backward gets x (or y where keep_output) and the node."""

    class Unary:
        @staticmethod
        def forward(xp, node, ins):
            y = f(xp, node, ins[0])
            return (y,), (y if keep_output else ins[0])

        @staticmethod
        def backward(xp, node, saved, gouts):
            return (df(xp, node, saved, gouts[0]),)

    register(name)(Unary)


def _sigmoid(xp, node, x):
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


_unary("Identity", lambda xp, n, x: x, lambda xp, n, x, g: g)
_unary("Relu", lambda xp, n, x: xp.maximum(x, 0), lambda xp, n, x, g: g * (x > 0))
_unary(
    "LeakyRelu",
    lambda xp, n, x: xp.where(x < 0, n.attr("alpha", 0.01) * x, x),
    lambda xp, n, x, g: xp.where(x < 0, n.attr("alpha", 0.01) * g, g),
)
_unary("Tanh", lambda xp, n, x: xp.tanh(x), lambda xp, n, y, g: g * (1 - y * y), True)
_unary("Sigmoid", _sigmoid, lambda xp, n, y, g: g * (y * (1 - y)), True)


def _check_cast(node, opset, shapes):
    if node.attr("to") not in FLOAT_TYPES:
        return f"Cast to ONNX type {node.attr('to')}"


@register("Cast", check=_check_cast)
class Cast:
    @staticmethod
    def forward(xp, node, ins):
        x = ins[0] if hasattr(ins[0], "astype") else xp.asarray(ins[0])
        return (xp.asarray(x).astype(FLOAT_TYPES[node.attr("to")]),), x.dtype

    @staticmethod
    def backward(xp, node, dtype, gouts):
        return (gouts[0].astype(dtype) if np.dtype(dtype).kind == "f" else None,)


CONSTANT_KEYS = ("value", "value_float", "value_floats", "value_int", "value_ints")


def _check_constant(node, opset, shapes):
    if not any(node.has(key) for key in CONSTANT_KEYS):
        return "Constant with a sparse or string value"


@register("Constant", check=_check_constant)
class Constant:
    @staticmethod
    def forward(xp, node, ins):
        value = node.constant()
        return (xp.asarray(value) if value.dtype.kind == "f" else value,), None

    @staticmethod
    def backward(xp, node, saved, gouts):
        return ()


# -- linear algebra -------------------------------------------------------------------
@register("MatMul")
class MatMul:
    @staticmethod
    def forward(xp, node, ins):
        return (xp.matmul(ins[0], ins[1]),), (ins[0], ins[1])

    @staticmethod
    def backward(xp, node, saved, gouts):
        a, b = saved
        a2 = a[None, :] if a.ndim == 1 else a  # numpy's promotion of 1-D operands
        b2 = b[:, None] if b.ndim == 1 else b
        g = gouts[0]
        g = g[..., None, :] if a.ndim == 1 else g
        g = g[..., None] if b.ndim == 1 else g
        ga = xp.matmul(g, xp.swapaxes(b2, -1, -2))
        gb = xp.matmul(xp.swapaxes(a2, -1, -2), g)
        ga = unbroadcast(xp, ga, a2.shape).reshape(a.shape)
        return ga, unbroadcast(xp, gb, b2.shape).reshape(b.shape)


@register("Gemm")
class Gemm:
    @staticmethod
    def forward(xp, node, ins):
        a, b = ins[0], ins[1]
        c = ins[2] if len(ins) > 2 else None
        at = a.T if node.attr("transA", 0) else a
        bt = b.T if node.attr("transB", 0) else b
        y = node.attr("alpha", 1.0) * (at @ bt)
        if c is not None:
            y = y + node.attr("beta", 1.0) * c
        return (y,), (a, b, c)

    @staticmethod
    def backward(xp, node, saved, gouts):
        a, b, c = saved
        g = node.attr("alpha", 1.0) * gouts[0]
        at = a.T if node.attr("transA", 0) else a
        bt = b.T if node.attr("transB", 0) else b
        gat, gbt = g @ bt.T, at.T @ g
        ga = gat.T if node.attr("transA", 0) else gat
        gb = gbt.T if node.attr("transB", 0) else gbt
        if c is None:
            return ga, gb
        return ga, gb, unbroadcast(xp, node.attr("beta", 1.0) * gouts[0], c.shape)


def _conv_pads(node, kernel):
    auto = node.attr("auto_pad", "NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto == "VALID":
        return [0, 0, 0, 0]
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        total = [k - 1 for k in kernel]
        small = [t // 2 for t in total]
        begin = (
            small if auto == "SAME_UPPER" else [t - s for t, s in zip(total, small, strict=True)]
        )
        return [*begin, *(t - b for t, b in zip(total, begin, strict=True))]
    return list(node.attr("pads", [0, 0, 0, 0]))


def _check_conv(node, opset, shapes):
    problems = []
    kernel = node.attr("kernel_shape", None)
    w = shapes.get(node.inputs[1])
    if (kernel is not None and len(kernel) != 2) or (w is not None and len(w) != 4):
        problems.append("Conv that is not 2-D")
    for key in ("strides", "dilations"):
        if any(v != 1 for v in node.attr(key, [1])):
            problems.append(f"Conv with {key}={list(node.attr(key))}")
    if node.attr("group", 1) != 1:
        problems.append(f"Conv with group={node.attr('group')}")
    return "; ".join(problems) or None


@register("Conv", check=_check_conv)
class Conv:
    """y[n, m] = sum over the kernel offsets (p, q) of w[:, :, p, q] @ x_padded, shifted."""

    @staticmethod
    def forward(xp, node, ins):
        x, w = ins[0], ins[1]
        if x.ndim != 4 or w.ndim != 4:
            raise ValueError(f"Conv of rank-{x.ndim} input: only 2-D convolutions run")
        xpad = _zero_pad(xp, x, _conv_pads(node, w.shape[2:]))
        n, c, hp, wp = xpad.shape
        m, _, kh, kw = w.shape
        ho, wo = hp - kh + 1, wp - kw + 1
        y = xp.zeros((n, m, ho * wo), dtype=x.dtype)
        for p in range(kh):
            for q in range(kw):
                window = xpad[:, :, p : p + ho, q : q + wo].reshape(n, c, ho * wo)
                y += xp.matmul(w[:, :, p, q], window)
        y = y.reshape(n, m, ho, wo)
        if len(ins) > 2 and ins[2] is not None:
            y += ins[2].reshape(1, m, 1, 1)
        return (y,), (xpad, w, x.shape, len(ins) > 2 and ins[2] is not None)

    @staticmethod
    def backward(xp, node, saved, gouts):
        xpad, w, xshape, has_bias = saved
        n, c, hp, wp = xpad.shape
        m, _, kh, kw = w.shape
        ho, wo = hp - kh + 1, wp - kw + 1
        g = gouts[0].reshape(n, m, ho * wo)
        gx, gw = xp.zeros_like(xpad), xp.zeros_like(w)
        for p in range(kh):
            for q in range(kw):
                window = xpad[:, :, p : p + ho, q : q + wo].reshape(n, c, ho * wo)
                gw[:, :, p, q] = xp.tensordot(g, window, axes=([0, 2], [0, 2]))
                back = xp.matmul(w[:, :, p, q].T, g).reshape(n, c, ho, wo)
                gx[:, :, p : p + ho, q : q + wo] += back
        top, left, bottom, right = _conv_pads(node, (kh, kw))
        gx = gx[:, :, top : hp - bottom, left : wp - right]
        return (gx, gw, g.sum(axis=(0, 2))) if has_bias else (gx, gw)


def _zero_pad(xp, x, pads):
    top, left, bottom, right = pads
    if not any(pads):
        return x
    out = xp.zeros(x.shape[:2] + (x.shape[2] + top + bottom, x.shape[3] + left + right), x.dtype)
    out[:, :, top : top + x.shape[2], left : left + x.shape[3]] = x
    return out


@register("BatchNormalization", check=lambda node, opset, shapes: _check_bn(node))
class BatchNormalization:
    """Inference form: y = scale (x - mean) / sqrt(var + eps) + B, per channel (axis 1)."""

    @staticmethod
    def forward(xp, node, ins):
        x, scale, bias, mean, var = ins
        shape = (1, -1) + (1,) * (x.ndim - 2)
        inv = 1 / xp.sqrt(var + node.attr("epsilon", 1e-5))
        s, i, mu = scale.reshape(shape), inv.reshape(shape), mean.reshape(shape)
        return ((x - mu) * (s * i) + bias.reshape(shape),), (x, scale, mean, inv)

    @staticmethod
    def backward(xp, node, saved, gouts):
        x, scale, mean, inv = saved
        g = gouts[0]
        shape = (1, -1) + (1,) * (x.ndim - 2)
        axes = (0,) + tuple(range(2, x.ndim))
        centred = x - mean.reshape(shape)
        gsum, gxc = g.sum(axis=axes), (g * centred).sum(axis=axes)
        gx = g * (scale * inv).reshape(shape)
        gvar = -0.5 * scale * gxc * inv**3
        return gx, gxc * inv, gsum, -gsum * scale * inv, gvar


def _check_bn(node):
    if node.attr("training_mode", 0) or len(node.outputs) > 1:
        return "BatchNormalization in training mode"


from . import onnx_shape_ops  # noqa: E402, F401  (registers the data-movement operators)

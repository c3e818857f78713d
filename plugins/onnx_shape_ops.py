"""Data-movement operators of the native ONNX executor: Pad, Slice, Concat, Reshape,
Transpose, Flatten, Squeeze, Unsqueeze (forward and VJP; see ``onnx_ops``)."""

from __future__ import annotations

from .onnx_ops import host, ints, register


def _axis(axis, ndim):
    return axis + ndim if axis < 0 else axis


def _check_pad(node, opset, shapes):
    mode = node.attr("mode", "constant")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if mode != "constant":
        return f"Pad in mode {mode!r}"


@register("Pad", static=(1, 2, 3), check=_check_pad)
class Pad:
    """Constant padding; negative pads crop. pads = [begin_0, ..., end_0, ...]."""

    @staticmethod
    def forward(xp, node, ins):
        x = ins[0]
        if node.has("pads"):  # opsets before 11
            pads, value = list(node.attr("pads")), node.attr("value", 0.0)
        else:
            pads = ints(ins[1])
            value = float(host(ins[2]).reshape(-1)[0]) if _given(ins, 2) else 0.0
        axes = [_axis(a, x.ndim) for a in ints(ins[3])] if _given(ins, 3) else range(x.ndim)
        begin, end = [0] * x.ndim, [0] * x.ndim
        for k, a in enumerate(axes):
            begin[a], end[a] = pads[k], pads[k + len(axes)]
        shape = tuple(n + b + e for n, b, e in zip(x.shape, begin, end, strict=True))
        src = tuple(
            slice(max(0, -b), n - max(0, -e)) for n, b, e in zip(x.shape, begin, end, strict=True)
        )
        dst = tuple(
            slice(max(0, b), max(0, b) + s.stop - s.start) for b, s in zip(begin, src, strict=True)
        )
        y = xp.full(shape, value, dtype=x.dtype)
        y[dst] = x[src]
        return (y,), (x.shape, src, dst)

    @staticmethod
    def backward(xp, node, saved, gouts):
        shape, src, dst = saved
        gx = xp.zeros(shape, dtype=gouts[0].dtype)
        gx[src] = gouts[0][dst]
        return (gx,)


def _given(ins, k):
    return len(ins) > k and ins[k] is not None


def _slices(shape, starts, ends, axes, steps):
    """ONNX Slice's clamping, as Python slices."""
    index = [slice(None)] * len(shape)
    for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
        n = shape[axis]
        start, end = start + n if start < 0 else start, end + n if end < 0 else end
        if step > 0:
            start, end = min(max(start, 0), n), min(max(end, 0), n)
        else:
            start, end = min(max(start, 0), n - 1), min(max(end, -1), n - 1)
        index[axis] = slice(start, end if end >= 0 else None, step)
    return tuple(index)


@register("Slice", static=(1, 2, 3, 4))
class Slice:
    @staticmethod
    def forward(xp, node, ins):
        x = ins[0]
        starts, ends = ints(ins[1]), ints(ins[2])
        axes = ints(ins[3]) if _given(ins, 3) else list(range(len(starts)))
        steps = ints(ins[4]) if _given(ins, 4) else [1] * len(starts)
        if 0 in steps:
            raise ValueError("Slice with a step of 0")
        index = _slices(x.shape, starts, ends, [_axis(a, x.ndim) for a in axes], steps)
        return (x[index],), (x.shape, index)

    @staticmethod
    def backward(xp, node, saved, gouts):
        shape, index = saved
        gx = xp.zeros(shape, dtype=gouts[0].dtype)
        gx[index] = gouts[0]
        return (gx,)


@register("Concat")
class Concat:
    @staticmethod
    def forward(xp, node, ins):
        axis = _axis(node.attr("axis"), ins[0].ndim)
        return (xp.concatenate(ins, axis=axis),), (axis, [x.shape[axis] for x in ins])

    @staticmethod
    def backward(xp, node, saved, gouts):
        axis, sizes = saved
        g, out, start = gouts[0], [], 0
        for n in sizes:
            index = (slice(None),) * axis + (slice(start, start + n),)
            out.append(g[index])
            start += n
        return tuple(out)


def _reshaped(node, ins):
    x, shape = ins[0], ints(ins[1])
    if not node.attr("allowzero", 0):
        shape = [x.shape[k] if s == 0 else s for k, s in enumerate(shape)]
    return (x.reshape(shape),), x.shape


def _flattened(node, ins):
    x = ins[0]
    axis = _axis(node.attr("axis", 1), x.ndim)
    lead, rest = 1, 1
    for k, n in enumerate(x.shape):
        lead, rest = (lead * n, rest) if k < axis else (lead, rest * n)
    return (x.reshape(lead, rest),), x.shape


def _axes(node, ins):
    return ints(ins[1]) if _given(ins, 1) else list(node.attr("axes", []))


def _squeezed(node, ins):
    x, axes = ins[0], _axes(node, ins)
    axes = [_axis(a, x.ndim) for a in axes] or [k for k, n in enumerate(x.shape) if n == 1]
    return (x.reshape([n for k, n in enumerate(x.shape) if k not in axes]),), x.shape


def _unsqueezed(node, ins):
    x, axes = ins[0], _axes(node, ins)
    ndim = x.ndim + len(axes)
    axes, dims = {_axis(a, ndim) for a in axes}, iter(x.shape)
    return (x.reshape([1 if k in axes else next(dims) for k in range(ndim)]),), x.shape


def _reshape_op(name, forward, static=(1,)):
    class ReshapeLike:
        @staticmethod
        def backward(xp, node, shape, gouts):
            return (gouts[0].reshape(shape),)

    ReshapeLike.forward = staticmethod(lambda xp, node, ins: forward(node, ins))
    register(name, static=static)(ReshapeLike)


_reshape_op("Reshape", _reshaped)
_reshape_op("Flatten", _flattened, static=())
_reshape_op("Squeeze", _squeezed)
_reshape_op("Unsqueeze", _unsqueezed)


@register("Transpose")
class Transpose:
    @staticmethod
    def forward(xp, node, ins):
        x = ins[0]
        perm = list(node.attr("perm", range(x.ndim - 1, -1, -1)))
        return (xp.transpose(x, perm),), perm

    @staticmethod
    def backward(xp, node, perm, gouts):
        inverse = [0] * len(perm)
        for k, p in enumerate(perm):
            inverse[p] = k
        return (xp.transpose(gouts[0], inverse),)

"""A native executor of ONNX graphs: forward pass and vector-Jacobian product (VJP).

For online training the closure's gradients with respect to its inputs and its weights
(initializers) are needed without PyTorch or JAX in the loop: this module runs the graph's
operators itself, with numpy on the CPU or cupy on the GPU (the array module of the
inputs), records a tape of what each operator's backward needs, and runs the tape in
reverse. The operators (``onnx_ops``, ``onnx_shape_ops``; default domain, opsets 11 to
23) are listed in :data:`SUPPORTED`; a graph with any other is refused at load, with
every offending node named in one error.

    ex = OnnxExecutor("closure.onnx")
    y = ex.forward({"x": x})["y"]
    gx, gp = ex.vjp({"y": ybar})        # gx["x"], gp["0.weight"], ...
    ex.set_parameters(new_weights)
    ex.write("closure.onnx", metadata_updates={"ocean.description": "..."})

Parameters are the float initializers that some operator reads as data; one read only as
a shape, axes, pads, starts/ends/steps or pad value is a constant, not a parameter.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from ocean.errors import SetupError

from .onnx_ops import CONSTANT_KEYS, FLOAT_TYPES, LIMITS, OPS, host

OPSET_RANGE = (11, 23)
SUPPORTED = tuple(f"{op} ({LIMITS[op]})" if op in LIMITS else op for op in sorted(OPS))
_MISSING = object()


class OnnxExecutorError(SetupError):
    """The native executor cannot run this graph (or was called wrongly)."""


def array_module(a):
    """cupy for a cupy array (imported only then), numpy otherwise."""
    if type(a).__module__.partition(".")[0] == "cupy":
        import cupy

        return cupy
    return np


class Node:
    """One graph node: operator, name, input and output value names, attributes."""

    def __init__(self, proto, index):
        from onnx import helper, numpy_helper

        self.op_type, self.domain = proto.op_type, proto.domain
        self.label = f"{proto.op_type} (node {proto.name or index!r})"
        self.inputs, self.outputs = list(proto.input), list(proto.output)
        self.attrs = {}
        for a in proto.attribute:
            value = helper.get_attribute_value(a)
            self.attrs[a.name] = numpy_helper.to_array(value) if a.type == a.TENSOR else value

    def has(self, key):
        return key in self.attrs

    def attr(self, key, default=_MISSING):
        if key in self.attrs:
            return self.attrs[key]
        if default is _MISSING:
            raise OnnxExecutorError(f"{self.label} lacks its attribute {key!r}")
        return default

    def constant(self):
        """The value of a Constant node, as a numpy array."""
        key = next(k for k in CONSTANT_KEYS if k in self.attrs)
        kind = np.float32 if key.startswith("value_float") else np.int64
        return np.array(self.attrs[key], dtype=None if key == "value" else kind)


class OnnxExecutor:
    """``OnnxExecutor(model_or_path)``: forward, VJP, parameters and write-back."""

    def __init__(self, model):
        import onnx

        self.source = "ONNX graph"
        if isinstance(model, (str, os.PathLike)):
            self.source = str(model)
            model = onnx.load(str(model))
        self.model = model
        graph = model.graph
        initial = {t.name: np.array(onnx.numpy_helper.to_array(t)) for t in graph.initializer}
        self.input_names = [v.name for v in graph.input if v.name not in initial]
        self.input_types = {
            v.name: FLOAT_TYPES.get(v.type.tensor_type.elem_type)
            for v in graph.input
            if v.name not in initial
        }
        self.output_names = [v.name for v in graph.output]
        self.opset = next(
            (o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None
        )
        nodes = [Node(proto, k) for k, proto in enumerate(graph.node)]
        self._refuse_unsupported(nodes, {k: v.shape for k, v in initial.items()})
        self.nodes = self._sorted(nodes, set(initial) | set(self.input_names))
        data_reads = {
            name
            for node in self.nodes
            for slot, name in enumerate(node.inputs)
            if slot not in OPS[node.op_type].static
        }
        self._params = {k: v for k, v in initial.items() if v.dtype.kind == "f" and k in data_reads}
        self._constants = {k: v for k, v in initial.items() if k not in self._params}
        self._active = self._differentiable_values()
        self._tape = None

    # -- load -------------------------------------------------------------------------
    def _refuse_unsupported(self, nodes, shapes):
        lo, hi = OPSET_RANGE
        problems = []
        if self.opset is None or not lo <= self.opset <= hi:
            problems.append(f"default-domain opset {self.opset} (allowed: {lo} to {hi})")
        for node in nodes:
            if node.domain not in ("", "ai.onnx"):
                problems.append(f"{node.domain}::{node.label}")
            elif node.op_type not in OPS:
                problems.append(node.label)
            elif OPS[node.op_type].check is not None:
                problem = OPS[node.op_type].check(node, self.opset, shapes)
                if problem:
                    problems.append(f"{problem}: {node.label}")
        if problems:
            raise OnnxExecutorError(
                f"{self.source}: the native ONNX executor cannot run "
                + "; ".join(problems)
                + ". It runs these operators of the default domain, opsets "
                + f"{lo} to {hi}: "
                + ", ".join(SUPPORTED)
            )

    def _sorted(self, nodes, known):
        """The nodes in an order where every value is made before it is read."""
        known, order, pending = set(known) | {""}, [], list(nodes)
        while pending:
            ready = [n for n in pending if all(i in known for i in n.inputs)]
            if not ready:
                missing = sorted({i for n in pending for i in n.inputs} - known)
                raise OnnxExecutorError(
                    f"{self.source}: values {missing} are read but never made (or a cycle)"
                )
            order += ready
            known.update(o for n in ready for o in n.outputs)
            pending = [n for n in pending if n not in ready]
        missing = [name for name in self.output_names if name not in known]
        if missing:
            raise OnnxExecutorError(f"{self.source}: graph outputs {missing} are never made")
        return order

    def _differentiable_values(self):
        """Values that depend on a graph input or a parameter through data slots."""
        active = set(self.input_names) | set(self._params)
        for node in self.nodes:
            static = OPS[node.op_type].static
            if any(n in active for k, n in enumerate(node.inputs) if k not in static):
                active.update(node.outputs)
        return active

    # -- parameters -------------------------------------------------------------------
    def parameters(self) -> dict:
        """Copies of the trainable initializers, name -> array (numpy or cupy)."""
        return {k: v.copy() for k, v in self._params.items()}

    def set_parameters(self, values: dict):
        """Replace some or all parameters (same shapes; cast to the initializer's dtype)."""
        values = self._checked(values)
        for name, value in values.items():
            self._params[name] = value.astype(self._params[name].dtype, copy=True)
        self._tape = None

    def _checked(self, values):
        unknown = sorted(set(values) - set(self._params))
        if unknown:
            raise OnnxExecutorError(
                f"{self.source}: {unknown} are not parameters; parameters are "
                f"{sorted(self._params)}"
            )
        out = {}
        for name, value in values.items():
            value = value if hasattr(value, "astype") else np.asarray(value)
            if tuple(value.shape) != self._params[name].shape:
                raise OnnxExecutorError(
                    f"{self.source}: parameter {name!r} has shape {self._params[name].shape}, "
                    f"given {tuple(value.shape)}"
                )
            out[name] = value
        return out

    # -- forward and VJP --------------------------------------------------------------
    def forward(self, inputs: dict) -> dict:
        """Run the graph; keeps the tape that :meth:`vjp` needs. inputs: name -> array."""
        missing = [n for n in self.input_names if n not in inputs]
        if missing:
            raise OnnxExecutorError(f"{self.source}: inputs {missing} are not given")
        xp = array_module(inputs[self.input_names[0]]) if self.input_names else np
        env = dict(self._constants)
        for name in self.input_names:
            x = xp.asarray(inputs[name])
            want = self.input_types[name]
            if want is not None and x.dtype != want:
                raise OnnxExecutorError(
                    f"{self.source}: input {name!r} is {x.dtype}, the graph takes {np.dtype(want)}"
                )
            env[name] = x
        for name, p in self._params.items():
            if array_module(p) is not xp:  # parameters move to the inputs' device once
                self._params[name] = p = xp.asarray(host(p))
            env[name] = p
        tape = []
        for node in self.nodes:
            op = OPS[node.op_type]
            ins = [env[n] if n else None for n in node.inputs]
            for k, value in enumerate(ins):
                if k not in op.static and value is not None and array_module(value) is not xp:
                    ins[k] = xp.asarray(value)
            try:
                outs, saved = op.forward(xp, node, ins)
            except OnnxExecutorError:
                raise
            except Exception as err:
                shapes = [getattr(v, "shape", None) for v in ins]
                raise OnnxExecutorError(
                    f"{self.source}: {node.label} failed on inputs of shapes {shapes}: {err}"
                ) from err
            env.update(zip(node.outputs, outs, strict=True))
            tape.append(saved)
        self._tape, self._env, self._xp = tape, env, xp
        return {name: env[name] for name in self.output_names}

    def vjp(self, output_cotangents: dict):
        """(input cotangents, parameter gradients) of the last :meth:`forward` for the
        given output cotangents (outputs left out count as zero)."""
        if self._tape is None:
            raise OnnxExecutorError(f"{self.source}: vjp needs a forward pass first")
        xp, env, adj = self._xp, self._env, {}
        for name, g in output_cotangents.items():
            if name not in self.output_names:
                raise OnnxExecutorError(
                    f"{self.source}: {name!r} is not an output; outputs are {self.output_names}"
                )
            g = xp.asarray(g)
            if g.shape != env[name].shape:
                raise OnnxExecutorError(
                    f"{self.source}: the cotangent of {name!r} has shape {g.shape}, "
                    f"the output {env[name].shape}"
                )
            adj[name] = adj[name] + g if name in adj else g
        for node, saved in zip(reversed(self.nodes), reversed(self._tape), strict=True):
            if not any(o in adj for o in node.outputs):
                continue
            op = OPS[node.op_type]
            gouts = [adj.pop(o) if o in adj else xp.zeros_like(env[o]) for o in node.outputs]
            grads = op.backward(xp, node, saved, gouts)
            for k, (name, g) in enumerate(zip(node.inputs, grads, strict=False)):
                if g is None or k in op.static or name not in self._active:
                    continue
                adj[name] = adj[name] + g if name in adj else g
        inputs = {n: adj.get(n, xp.zeros_like(env[n])) for n in self.input_names}
        params = {n: adj.get(n, xp.zeros_like(env[n])) for n in self._params}
        return inputs, params

    # -- write-back -------------------------------------------------------------------
    def write(self, path, parameters: dict | None = None, metadata_updates: dict | None = None):
        """Write the original model with its parameters replaced: by ``parameters`` where
        given, by the executor's current values elsewhere; metadata kept, updated by
        ``metadata_updates``. Written to a temporary file, checked, then renamed."""
        import onnx
        from onnx import numpy_helper

        values = {**self._params, **self._checked(parameters or {})}
        bad = [k for k, v in values.items() if not bool(np.isfinite(host(v)).all())]
        if bad:
            raise OnnxExecutorError(f"{self.source}: parameters {bad} are not all finite")
        model = onnx.ModelProto()
        model.CopyFrom(self.model)
        for tensor in model.graph.initializer:
            if tensor.name in values:
                dtype = self._params[tensor.name].dtype
                array = host(values[tensor.name]).astype(dtype)
                tensor.CopyFrom(numpy_helper.from_array(array, tensor.name))
        props = {p.key: p for p in model.metadata_props}
        for key, value in (metadata_updates or {}).items():
            prop = props.get(key) or model.metadata_props.add(key=key)
            prop.value = str(value)
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            onnx.save(model, tmp)
            onnx.checker.check_model(tmp)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would follow the file
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

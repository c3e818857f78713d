"""Small ONNX graphs with known outputs, built with onnx.helper, for the closure tests."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ELEM = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}
LAPLACE = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def metadata(**overrides) -> dict:
    """The ocean.* metadata of a u, v -> u, v closure trained at 200 km."""
    meta = {
        "ocean.inputs": "u,v",
        "ocean.outputs": "u,v",
        "ocean.input_mean": "0,0",
        "ocean.input_scale": "1,1",
        "ocean.output_mean": "0,0",
        "ocean.output_scale": "1,1",
        "ocean.receptive_field": "1",
        "ocean.grid_spacing": "200000",
        "ocean.input_units": "m s-1,m s-1",
        "ocean.output_units": "m s-2,m s-2",
    }
    meta.update({f"ocean.{k}": str(v) for k, v in overrides.items()})
    return {k: v for k, v in meta.items() if v != "None"}


def _model(nodes, inputs, outputs, initializers, meta, opset=17):
    graph = helper.make_graph(nodes, "closure", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    helper.set_model_props(model, meta)
    onnx.checker.check_model(model)
    return model


def laplacian_conv(coef: float, dtype=np.float32, meta=None, opset=17):
    """y_c = coef * (5-point Laplacian of x_c) per channel, 'same' zero padding (a
    depthwise Conv with group = 2)."""
    w = (coef * np.stack([LAPLACE, LAPLACE])[:, None]).astype(dtype)
    node = helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], group=2)
    x = helper.make_tensor_value_info("x", ELEM[dtype], ["N", 2, "H", "W"])
    y = helper.make_tensor_value_info("y", ELEM[dtype], ["N", 2, "H", "W"])
    return _model([node], [x], [y], [numpy_helper.from_array(w, "w")], meta or metadata(), opset)


def laplacian_slices(coef: float, dtype=np.float64, meta=None):
    """The same Laplacian from Slice/Add/Mul ('valid': the output is 2 cells smaller), so
    that float64 graphs run (onnxruntime's CPU Conv is float32 only)."""
    inits, nodes = [], []

    def const(name, values, kind=np.int64):
        inits.append(numpy_helper.from_array(np.array(values, dtype=kind), name))
        return name

    axes = const("axes", [2, 3])
    big = 2**62  # "to the end"
    # x shifted by (dj, di) on the output's cells: x[1 + dj : H - 1 + dj, 1 + di : ...]
    for name, (dj, di) in {
        "c": (0, 0),
        "e": (0, 1),
        "w": (0, -1),
        "n": (1, 0),
        "s": (-1, 0),
    }.items():
        start = const(f"{name}_start", [1 + dj, 1 + di])
        end = const(f"{name}_end", [dj - 1 if dj < 1 else big, di - 1 if di < 1 else big])
        nodes.append(helper.make_node("Slice", ["x", start, end, axes], [name]))
    four, scale = const("four", 4.0, dtype), const("coef", coef, dtype)
    nodes += [
        helper.make_node("Add", ["e", "w"], ["ew"]),
        helper.make_node("Add", ["n", "s"], ["ns"]),
        helper.make_node("Add", ["ew", "ns"], ["sum4"]),
        helper.make_node("Mul", ["c", four], ["c4"]),
        helper.make_node("Sub", ["sum4", "c4"], ["lap"]),
        helper.make_node("Mul", ["lap", scale], ["y"]),
    ]
    x = helper.make_tensor_value_info("x", ELEM[dtype], ["N", 2, "H", "W"])
    y = helper.make_tensor_value_info("y", ELEM[dtype], ["N", 2, "Hy", "Wy"])
    return _model(nodes, [x], [y], inits, meta or metadata())


def random_cnn(seed=0, hidden=8, meta=None):
    """Two 3x3 convolutions with a tanh between ('same' padding): receptive field 2."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, 0.5, (hidden, 2, 3, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.1, hidden).astype(np.float32)
    w2 = rng.normal(0, 0.5, (2, hidden, 3, 3)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["h1"], pads=[1, 1, 1, 1]),
        helper.make_node("Tanh", ["h1"], ["t1"]),
        helper.make_node("Conv", ["t1", "w2"], ["y"], pads=[1, 1, 1, 1]),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, "H", "W"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2, "H", "W"])
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"))]
    return _model(nodes, [x], [y], inits, meta or metadata(receptive_field=2))


def save(model, path) -> str:
    onnx.save(model, str(path))
    return str(path)

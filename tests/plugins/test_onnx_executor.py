"""The native ONNX executor: forward equal to onnxruntime, VJPs equal to finite
differences and (for linear operators) exact adjoints, unsupported graphs refused by name,
weights written back into a file that onnxruntime and the closure loader accept."""

import zlib
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_graphs import laplacian_conv, laplacian_slices, metadata, save

from ocean.plugins.onnx_closure import OnnxClosure
from ocean.plugins.onnx_executor import OnnxExecutor, OnnxExecutorError

CNN = Path(__file__).resolve().parents[2] / "examples" / "closures" / "double_gyre_cnn.onnx"
OPSET = [helper.make_opsetid("", 17)]
ELEM = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}
EPS32 = float(np.finfo(np.float32).eps)
#: central differences with h = 1e-6 on O(1) data: truncation h^2 f'''/6 ~ 1e-13, rounding
#: eps64 |L| / h ~ 1e-10 |L| with |L| ~ 10: errors ~ 1e-9 of the gradient's scale
FD_STEP, FD_TOL = 1e-6, 1e-7


def away_from_zero(rng, shape, low=0.1):
    """Random values with |v| >= low: the kinks of Relu/LeakyRelu stay beyond the step."""
    return rng.choice([-1.0, 1.0], shape) * (low + np.abs(rng.normal(size=shape)))


def graph(nodes, inputs, inits, outputs, dtype, opset=17):
    """A model of ``nodes``: float inputs/initializers cast to dtype, integer ones kept."""
    cast = {k: v.astype(dtype) if v.dtype.kind == "f" else v for k, v in inits.items()}
    ins = [helper.make_tensor_value_info(n, ELEM[dtype], v.shape) for n, v in inputs.items()]
    outs = [helper.make_tensor_value_info(n, ELEM[dtype], None) for n in outputs]
    tensors = [numpy_helper.from_array(v, k) for k, v in cast.items()]
    g = helper.make_graph(nodes, "case", ins, outs, tensors)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    helper.set_model_props(model, metadata())
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)  # the output's shape
    onnx.checker.check_model(model)
    return model, {k: v.astype(dtype) for k, v in inputs.items()}


def i64(*values):
    return np.array(values, dtype=np.int64)


def case(name, dtype=np.float64):
    """(model, inputs) of one operator case; float data of unit scale, |v| >= 0.1."""
    r = np.random.default_rng(zlib.crc32(name.encode()))

    def a(*shape):
        return away_from_zero(r, shape)

    N = helper.make_node
    x4 = {"x": a(2, 3, 5, 6)}
    c = a(5, 6).astype(dtype)
    table = {
        "conv": ([N("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])], x4,
                 {"w": a(4, 3, 3, 3), "b": a(4)}),
        "conv_asym": ([N("Conv", ["x", "w"], ["y"], pads=[0, 1, 2, 1])], x4, {"w": a(2, 3, 2, 4)}),
        "conv_same": ([N("Conv", ["x", "w", "b"], ["y"], auto_pad="SAME_UPPER")], x4,
                      {"w": a(2, 3, 2, 2), "b": a(2)}),
        "gemm": ([N("Gemm", ["x", "w", "c"], ["y"], alpha=0.7, beta=1.3, transB=1)],
                 {"x": a(3, 4)}, {"w": a(5, 4), "c": a(5)}),
        "gemm_transA": ([N("Gemm", ["x", "w", "c"], ["y"], transA=1)], {"x": a(4, 3)},
                        {"w": a(4, 5), "c": a(3, 1)}),
        "matmul": ([N("MatMul", ["x", "w"], ["y"])], {"x": a(2, 1, 3, 4)}, {"w": a(3, 4, 2)}),
        "matmul_vector": ([N("MatMul", ["x", "w"], ["y"])], {"x": a(4)}, {"w": a(2, 4, 3)}),
        "add": ([N("Add", ["x", "w"], ["y"])], x4, {"w": a(3, 1, 6)}),
        "sub": ([N("Sub", ["w", "x"], ["y"])], x4, {"w": a(5, 1)}),
        "mul": ([N("Mul", ["x", "w"], ["y"])], x4, {"w": a(1, 3, 1, 1)}),
        "square": ([N("Mul", ["x", "x"], ["y"])], x4, {}),
        "div": ([N("Div", ["x", "w"], ["y"])], x4, {"w": 0.5 + np.abs(a(6))}),
        "div_by_input": ([N("Div", ["w", "x"], ["y"])], x4, {"w": a(6)}),
        "relu": ([N("Relu", ["x"], ["y"])], x4, {}),
        "leaky_relu": ([N("LeakyRelu", ["x"], ["y"], alpha=0.2)], x4, {}),
        "tanh": ([N("Tanh", ["x"], ["y"])], x4, {}),
        "sigmoid": ([N("Sigmoid", ["x"], ["y"])], {"x": 4 * a(2, 3, 5, 6)}, {}),
        "identity": ([N("Identity", ["x"], ["y"])], x4, {}),
        "pad": ([N("Pad", ["x", "p", "v"], ["y"])], x4,
                {"p": i64(0, 0, 1, 2, 0, 1, 0, 1), "v": np.array(0.5)}),
        "pad_crop": ([N("Pad", ["x", "p", "", "ax"], ["y"])], x4,  # opset 18: listed axes
                     {"p": i64(-1, 1, 2, -2), "ax": i64(2, -1)}, 18),
        "slice": ([N("Slice", ["x", "s", "e", "ax", "st"], ["y"])], x4,
                  {"s": i64(100, -1, 1), "e": i64(0, -100, 2**62), "ax": i64(2, 3, 1),
                   "st": i64(-1, -2, 2)}),
        "slice_plain": ([N("Slice", ["x", "s", "e"], ["y"])], x4, {"s": i64(1, 0), "e": i64(2, 2)}),
        "concat": ([N("Concat", ["x", "w", "x"], ["y"], axis=-3)], x4, {"w": a(2, 1, 5, 6)}),
        "reshape": ([N("Reshape", ["x", "s"], ["y"])], x4, {"s": i64(0, -1, 2)}),
        "transpose": ([N("Transpose", ["x"], ["y"], perm=[2, 0, 3, 1])], x4, {}),
        "flatten": ([N("Flatten", ["x"], ["y"], axis=2)], x4, {}),
        "squeeze": ([N("Unsqueeze", ["x", "u"], ["t"]), N("Squeeze", ["t", "s"], ["y"])], x4,
                    {"u": i64(0, -1), "s": i64(0)}),
        "batchnorm": ([N("BatchNormalization", ["x", "sc", "b", "m", "v"], ["y"], epsilon=1e-3)],
                      x4, {"sc": a(3), "b": a(3), "m": a(3), "v": 0.5 + np.abs(a(3))}),
        "cast": ([N("Cast", ["x"], ["t"], to=TensorProto.DOUBLE),  # float32: up and back
                  N("Cast", ["t"], ["u"], to=ELEM[dtype]), N("Mul", ["u", "w"], ["y"])], x4,
                 {"w": a(6)}),
        "constant": ([N("Constant", [], ["c"], value=numpy_helper.from_array(c)),
                      N("Constant", [], ["k"], value_float=0.25),
                      N("Cast", ["k"], ["kd"], to=ELEM[dtype]),
                      N("Mul", ["x", "c"], ["t"]), N("Mul", ["t", "kd"], ["y"])], x4, {}),
    }  # fmt: skip
    nodes, inputs, inits, *opset = table[name]
    return graph(nodes, inputs, inits, ["y"], dtype, *opset)


CASES = ["conv", "conv_asym", "conv_same", "gemm", "gemm_transA", "matmul", "matmul_vector",
         "add", "sub", "mul", "square", "div", "div_by_input", "relu", "leaky_relu", "tanh",
         "sigmoid", "identity", "pad", "pad_crop", "slice", "slice_plain", "concat", "reshape",
         "transpose", "flatten", "squeeze", "batchnorm", "cast", "constant"]  # fmt: skip
#: the cases that are linear in each input and parameter (the others held fixed)
LINEAR = ["conv", "conv_asym", "conv_same", "gemm", "gemm_transA", "matmul", "matmul_vector",
          "add", "sub", "pad", "pad_crop", "slice", "slice_plain", "concat", "reshape",
          "transpose", "flatten", "squeeze", "identity"]  # fmt: skip
#: onnxruntime 1.32 has no float64 Conv on the CPU (NOT_IMPLEMENTED)
ORT_FLOAT32_ONLY = {"conv", "conv_asym", "conv_same"}


def run_ort(model, inputs):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, inputs)[0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", CASES)
def test_forward_equals_onnxruntime(name, dtype):
    if dtype is np.float64 and name in ORT_FLOAT32_ONLY:
        pytest.skip("onnxruntime has no float64 kernel")
    model, inputs = case(name, dtype)
    ref = run_ort(model, inputs)
    got = OnnxExecutor(model).forward(inputs)["y"]
    assert got.dtype == ref.dtype and got.shape == ref.shape
    tol = 4 * EPS32 if dtype is np.float32 else 1e-12
    assert np.abs(got - ref).max() <= tol * np.abs(ref).max()


def test_forward_equals_onnxruntime_on_the_shipped_cnn():
    x = np.random.default_rng(0).normal(size=(3, 2, 17, 21)).astype(np.float32)
    ref = ort.InferenceSession(str(CNN), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    got = OnnxExecutor(CNN).forward({"x": x})["y"]
    # measured: 2.1 float32 ulps of the output's scale (sums of 288 products per layer)
    assert np.abs(got - ref[0]).max() <= 4 * EPS32 * np.abs(ref[0]).max()


def loss_and_gradients(ex, inputs, cot):
    y = ex.forward(inputs)["y"]
    gin, gpar = ex.vjp({"y": cot})
    return float(np.sum(y * cot)), {**gin, **gpar}


def finite_differences(ex, inputs, cot, name):
    """dL/d(name) element by element, L = <y, cot>, central differences."""
    params = ex.parameters()
    base = inputs[name] if name in inputs else params[name]
    grad = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        losses = []
        for sign in (1, -1):
            moved = base.copy()
            moved[index] += sign * FD_STEP
            if name in inputs:
                y = ex.forward({**inputs, name: moved})["y"]
            else:
                ex.set_parameters({name: moved})
                y = ex.forward(inputs)["y"]
            losses.append(np.sum(y * cot))
        grad[index] = (losses[0] - losses[1]) / (2 * FD_STEP)
    ex.set_parameters(params)
    return grad


@pytest.mark.parametrize("name", CASES)
def test_vjp_equals_finite_differences(name):
    model, inputs = case(name)
    ex = OnnxExecutor(model)
    y = ex.forward(inputs)["y"]
    cot = np.random.default_rng(7).normal(size=y.shape)
    _, grads = loss_and_gradients(ex, inputs, cot)
    assert set(grads) == set(inputs) | set(ex.parameters())
    for arg, analytic in grads.items():
        fd = finite_differences(ex, inputs, cot, arg)
        assert analytic.shape == fd.shape and analytic.dtype == np.float64
        assert np.abs(fd - analytic).max() <= FD_TOL * max(np.abs(analytic).max(), 1.0), arg


@pytest.mark.parametrize("name", LINEAR)
def test_dot_product_identity_of_linear_operators(name):
    """<J d, w> = <d, J^T w> per input and parameter, J d = f(d) - f(0) (f affine in it)."""
    model, inputs = case(name)
    ex = OnnxExecutor(model)
    params = ex.parameters()
    rng = np.random.default_rng(3)
    for arg in [*inputs, *params]:
        value = inputs.get(arg, params.get(arg))
        d = rng.normal(size=value.shape)
        images = []
        for v in (d, np.zeros_like(d)):
            ex.set_parameters({**params, **({arg: v} if arg in params else {})})
            images.append(ex.forward({**inputs, **({arg: v} if arg in inputs else {})})["y"])
        jd = images[0] - images[1]
        w = rng.normal(size=jd.shape)
        gin, gpar = ex.vjp({"y": w})
        lhs, rhs = np.sum(jd * w), np.sum(d * {**gin, **gpar}[arg])
        assert abs(lhs - rhs) <= 1e-12 * abs(lhs), (arg, lhs, rhs)
        ex.set_parameters(params)


def float64_copy(model):
    """The model with its float32 initializers, input and output made float64."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    for t in m.graph.initializer:
        t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float64), t.name))
    for v in [*m.graph.input, *m.graph.output]:
        v.type.tensor_type.elem_type = TensorProto.DOUBLE
    return m


def test_vjp_of_the_shipped_cnn_in_float64_equals_directional_differences():
    ex = OnnxExecutor(float64_copy(onnx.load(str(CNN))))
    rng = np.random.default_rng(5)
    inputs = {"x": rng.normal(size=(2, 2, 8, 9))}
    params = ex.parameters()
    cot = rng.normal(size=ex.forward(inputs)["y"].shape)
    _, grads = loss_and_gradients(ex, inputs, cot)
    # rounding of the two losses: ~eps64 sum|y cot| / h (it dominates for the last bias,
    # on which L depends linearly: measured 2.5e-8 relative there, <= 2e-9 elsewhere)
    rounding = 10 * np.finfo(np.float64).eps * np.abs(ex.forward(inputs)["y"] * cot).sum()
    for arg in ["x", *params]:
        base = inputs.get(arg, params.get(arg))
        d = rng.normal(size=base.shape) * np.abs(base).max()
        losses = []
        for sign in (1, -1):
            moved = base + sign * FD_STEP * d
            ex.set_parameters({**params, **({arg: moved} if arg in params else {})})
            y = ex.forward({"x": moved} if arg == "x" else inputs)["y"]
            losses.append(np.sum(y * cot))
        fd = (losses[0] - losses[1]) / (2 * FD_STEP)
        assert abs(fd - np.sum(grads[arg] * d)) <= FD_TOL * abs(fd) + rounding / FD_STEP, arg
        ex.set_parameters(params)


def test_float32_gradients_stay_float32_and_match_float64():
    ex32, ex64 = OnnxExecutor(CNN), OnnxExecutor(float64_copy(onnx.load(str(CNN))))
    x = np.random.default_rng(2).normal(size=(1, 2, 6, 7))
    y = ex32.forward({"x": x.astype(np.float32)})["y"]
    ex64.forward({"x": x})
    cot = np.ones(y.shape)
    g32, p32 = ex32.vjp({"y": cot.astype(np.float32)})
    g64, p64 = ex64.vjp({"y": cot})
    for a, b in [(g32["x"], g64["x"]), *((p32[k], p64[k]) for k in p64)]:
        assert a.dtype == np.float32
        assert np.abs(a - b).max() <= 1e-4 * np.abs(b).max()


def test_cast_gives_the_cotangent_in_the_input_dtype():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2, 3])
    node = helper.make_node("Cast", ["x"], ["y"], to=TensorProto.DOUBLE)
    ex = OnnxExecutor(
        helper.make_model(helper.make_graph([node], "g", [x], [y]), opset_imports=OPSET)
    )
    assert ex.forward({"x": np.ones((2, 3), np.float32)})["y"].dtype == np.float64
    gx = ex.vjp({"y": np.full((2, 3), 1 / 3)})[0]["x"]
    assert gx.dtype == np.float32 and gx[0, 0] == np.float32(1 / 3)


def test_parameters_are_the_float_initializers_read_as_data():
    ex = OnnxExecutor(laplacian_slices(0.5))
    assert sorted(ex.parameters()) == ["coef", "four"]  # not starts/ends/axes
    model, _ = case("pad")
    assert OnnxExecutor(model).parameters() == {}  # the pad value is a constant
    assert sorted(OnnxExecutor(CNN).parameters()) == [
        "0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight",
    ]  # fmt: skip


def test_nodes_out_of_order_are_sorted():
    model, inputs = case("squeeze")
    ref = OnnxExecutor(model).forward(inputs)["y"]
    nodes = list(model.graph.node)[::-1]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    np.testing.assert_array_equal(OnnxExecutor(model).forward(inputs)["y"], ref)


def test_unsupported_operators_are_named_in_one_error():
    with pytest.raises(OnnxExecutorError, match=r"group=2.*Conv") as err:
        OnnxExecutor(laplacian_conv(1.0))
    assert "group 1" in str(err.value)  # says what is allowed
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 1, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    w, r = np.zeros((1, 8, 3), np.float32), np.zeros((1, 8, 2), np.float32)
    nodes = [
        helper.make_node("LSTM", ["x", "w", "r"], ["h"], name="lstm_1", hidden_size=2),
        helper.make_node("Pad", ["h", "p"], ["hp"], name="pad_1", mode="reflect"),
        helper.make_node("Conv", ["hp", "k"], ["c"], name="conv_1", strides=[2, 2]),
        helper.make_node("Softmax", ["c"], ["y"], name="softmax_1"),
    ]
    k = np.zeros((1, 1, 3, 3), np.float32)
    inits = [numpy_helper.from_array(v, n) for n, v in
             (("w", w), ("r", r), ("p", i64(0, 1, 0, 1)), ("k", k))]  # fmt: skip
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [y], inits), opset_imports=OPSET)
    with pytest.raises(OnnxExecutorError) as err:
        OnnxExecutor(model)
    text = str(err.value)
    for named in ("LSTM (node 'lstm_1')", "'reflect'", "strides=[2, 2]", "Softmax", "Relu"):
        assert named in text, named
    assert "opset" not in text.split(". It runs")[0]
    model.opset_import[0].version = 24
    with pytest.raises(OnnxExecutorError, match="opset 24 "):
        OnnxExecutor(model)


def test_write_round_trip_through_onnxruntime_and_the_closure_loader(tmp_path):
    ex = OnnxExecutor(CNN)
    rng = np.random.default_rng(4)
    new = {k: v * (1 + 0.1 * rng.normal(size=v.shape)) for k, v in ex.parameters().items()}
    path = ex.write(tmp_path / "cnn.onnx", new, {"ocean.description": "retrained"})
    assert [p.name for p in tmp_path.iterdir()] == ["cnn.onnx"]  # no temporary left
    ex.set_parameters(new)
    x = rng.normal(size=(2, 2, 12, 10)).astype(np.float32)
    got = ex.forward({"x": x})["y"]
    ref = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    assert np.abs(got - ref[0]).max() <= 4 * EPS32 * np.abs(ref[0]).max()
    old = {p.key: p.value for p in onnx.load(str(CNN)).metadata_props}
    written = onnx.load(str(path))
    meta = {p.key: p.value for p in written.metadata_props}
    assert meta == {**old, "ocean.description": "retrained"}
    assert all(t.data_type == TensorProto.FLOAT for t in written.graph.initializer)
    closure = OnnxClosure(path)
    assert closure.spec.receptive_field == 3 and closure.inputs == ("u", "v")
    # without arguments: the executor's current parameters, bit for bit
    again = OnnxExecutor(ex.write(tmp_path / "again.onnx"))
    for k, v in ex.parameters().items():
        np.testing.assert_array_equal(again.parameters()[k], v)


def test_write_refuses_bad_parameters_and_keeps_the_file(tmp_path):
    path = save(case("conv", np.float32)[0], tmp_path / "conv.onnx")
    before = Path(path).read_bytes()
    ex = OnnxExecutor(path)
    with pytest.raises(OnnxExecutorError, match="shape"):
        ex.write(path, {"w": np.zeros((1, 3, 3, 3))})
    with pytest.raises(OnnxExecutorError, match="not all finite"):
        ex.write(path, {"b": np.full(4, np.nan)})
    with pytest.raises(OnnxExecutorError, match="not parameters"):
        ex.write(path, {"x": np.zeros(3)})
    assert Path(path).read_bytes() == before and len(list(tmp_path.iterdir())) == 1

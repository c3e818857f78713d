"""ONNX closures: graphs with closed-form outputs give the model's tendencies; tiles with
halos give the whole-domain result; every malformed file fails with its message."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper
from onnx_graphs import laplacian_conv, laplacian_slices, metadata, random_cnn, save

from ocean.comm import threads_per_rank
from ocean.errors import SetupError
from ocean.kernels import friction as KF
from ocean.model import Model
from ocean.plugins.onnx_closure import OnnxClosure

A_H = 4.0e4  # viscosity of the reference Laplacian [m2 s-1]
DX = 200e3  # grid spacing of the 200 km double gyre [m]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def gyre(example_setup):
    """A 10 x 10 x 10 double gyre (200 km) with random velocities, given closures."""
    setup_class = example_setup("double_gyre")

    def build(closures=(), **settings):
        model = Model(setup_class(), settings={"resolution_km": 200, **settings},
                      closures=closures)  # fmt: skip
        rng = np.random.default_rng(1)
        g = model.grid
        for name in ("u", "v"):
            model.state.set(name, rng.normal(0.0, 0.1, (g.nz, g.ny, g.nx)))
        return model

    return build


def closure_output(model):
    closure = model.closures.closures[0]
    out = closure(model.closures.view)
    return {k: model.backend.to_host(v) for k, v in out.items()}


def laplacian_reference(model):
    """div(A_h grad u) from the model's own friction stencil, where all 5 points are wet."""
    g, st = model.grid, model.state
    u = st.u[st.tau]
    coef = np.full(g.ny + 2 * g.h, A_H)
    ref, wet = np.zeros_like(u), np.zeros(u.shape, bool)
    k0, k1, j0, j1, i0, i1 = g.box()
    m = g.maskU
    for k in range(k0, k1):
        for j in range(j0, j1):
            for i in range(i0, i1):
                ref[k, j, i] = KF.laplacian_u(
                    k, j, i, u, m, coef, coef,
                    g.dxt_m, g.dxu_m, g.dyt_m, g.dyu_m, g.cost, g.cosu,
                )  # fmt: skip
                stencil = m[k, j, i] * m[k, j, i + 1] * m[k, j, i - 1]
                wet[k, j, i] = stencil * m[k, j + 1, i] * m[k, j - 1, i] > 0
    return ref, wet


def test_laplacian_graph_float64_equals_the_friction_stencil(gyre, tmp_path):
    path = save(laplacian_slices(A_H / DX**2), tmp_path / "lap64.onnx")
    model = gyre(closures=[path])
    ref, wet = laplacian_reference(model)
    assert wet.sum() > 300
    got = closure_output(model)["u"]
    scale = np.abs(ref[wet]).max()
    np.testing.assert_allclose(got[wet], ref[wet], rtol=0, atol=1e-14 * scale)


def test_laplacian_conv_float32_agrees_to_float32_precision(gyre, tmp_path):
    path = save(laplacian_conv(A_H / DX**2), tmp_path / "lap32.onnx")
    model = gyre(closures=[path])
    ref, wet = laplacian_reference(model)
    got = closure_output(model)["u"]
    scale = np.abs(ref[wet]).max()
    # inputs, weights and the 5-term sum are rounded to float32 (eps 6e-8)
    np.testing.assert_allclose(got[wet], ref[wet], rtol=0, atol=1e-6 * scale)


def test_normalisation_of_inputs_and_outputs(gyre, tmp_path):
    meta = metadata(input_mean="0.3,-0.2", input_scale="2,4", output_mean="1e-7,-2e-7",
                    output_scale="5e-6,3e-6")  # fmt: skip
    path = save(laplacian_slices(1.0, meta=meta), tmp_path / "norm.onnx")
    model = gyre(closures=[path])
    g, st = model.grid, model.state
    got = closure_output(model)
    _, _, j0, j1, i0, i1 = g.box()
    for name, scale_in, mean_out, scale_out in (("u", 2.0, 1e-7, 5e-6), ("v", 4.0, -2e-7, 3e-6)):
        x = st.arrays[name][st.tau]
        lap = (
            x[:, j0:j1, i0 + 1 : i1 + 1] + x[:, j0:j1, i0 - 1 : i1 - 1]
            + x[:, j0 + 1 : j1 + 1, i0:i1] + x[:, j0 - 1 : j1 - 1, i0:i1]
            - 4 * x[:, j0:j1, i0:i1]
        )  # fmt: skip
        expected = lap / scale_in * scale_out + mean_out  # the input mean cancels
        np.testing.assert_allclose(got[name][:, j0:j1, i0:i1], expected, rtol=1e-12, atol=1e-20)


@pytest.mark.parametrize("tile", [3, 4, 7])
def test_tiles_with_halos_equal_the_whole_domain(gyre, tmp_path, tile):
    path = save(random_cnn(), tmp_path / "cnn.onnx")
    whole = gyre(closures=[path], halo=4)
    tiled = gyre(closures=[path], halo=4, closure_tile=tile)
    # reference: the graph on the whole array (outer halo included), interior kept
    st, g = whole.state, whole.grid
    x = np.stack([st.u[st.tau], st.v[st.tau]], axis=1).astype(np.float32)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    y = session.run(None, {"x": x})[0]
    a, b = closure_output(whole), closure_output(tiled)
    for c, name in enumerate(("u", "v")):
        ref = y[:, c][(slice(None), *g.interior)]
        scale = np.abs(ref).max()
        for got in (a[name], b[name]):
            np.testing.assert_allclose(got[(slice(None), *g.interior)], ref, atol=1e-6 * scale)


def test_session_threads_follow_the_rank_layout(gyre, tmp_path):
    path = save(laplacian_conv(1.0), tmp_path / "lap.onnx")
    model = gyre(closures=[path])
    closure = model.closures.closures[0]
    options = closure.session.get_session_options()
    assert options.intra_op_num_threads == threads_per_rank(model.comm)
    assert options.inter_op_num_threads == 1


def test_closure_changes_the_run_and_stays_finite(gyre, tmp_path):
    path = save(laplacian_conv(A_H / DX**2), tmp_path / "lap.onnx")
    plain, closed = gyre(), gyre(closures=[path])
    for model in (plain, closed):
        model.run(5)
    u0, u1 = plain.state.get("u"), closed.state.get("u")
    assert np.isfinite(u1).all()
    assert np.abs(u1 - u0).max() > 1e-6
    # harmonic friction damps the random velocities: less kinetic energy with the closure
    assert (u1**2).sum() < (u0**2).sum()


def _rank3_graph():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, "H"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2, "H"])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    helper.set_model_props(model, metadata())
    return model


BAD_FILES = {
    "missing key": (lambda: laplacian_conv(1.0, meta=metadata(receptive_field=None)),
                    "lacks ['ocean.receptive_field']"),
    "unknown field": (lambda: laplacian_conv(1.0, meta=metadata(inputs="u,vort")),
                      "reads ['vort'], which the model does not have"),
    "units": (lambda: laplacian_conv(1.0, meta=metadata(input_units="cm s-1,m s-1")),
              "has units 'cm s-1' in the metadata, the model has 'm s-1'"),
    "output units": (lambda: laplacian_conv(1.0, meta=metadata(output_units="m s-1,m s-2")),
                     "has units 'm s-1' in the metadata, the model has 'm s-2'"),
    "grid spacing": (lambda: laplacian_conv(1.0, meta=metadata(grid_spacing=50000)),
                     "trained at a grid spacing of 50000 m"),
    "channels": (lambda: laplacian_conv(1.0, meta=metadata(
        inputs="u", input_mean="0", input_scale="1", input_units="m s-1")),
                 "has 2 channels but the metadata ocean.inputs names 1"),
    "list lengths": (lambda: laplacian_conv(1.0, meta=metadata(input_mean="0")),
                     "ocean.input_mean has 1 entries"),
    "zero scale": (lambda: laplacian_conv(1.0, meta=metadata(output_scale="0,1")),
                   "must be finite and non-zero"),
    "receptive field": (lambda: laplacian_conv(1.0, meta=metadata(receptive_field=9)),
                        "from 0 to 8"),
    "spacing text": (lambda: laplacian_conv(1.0, meta=metadata(grid_spacing="fine")),
                     "ocean.grid_spacing = 'fine'"),
    "opset": (lambda: laplacian_conv(1.0, opset=9), "opset 9 of the default domain"),
    "crop": (lambda: laplacian_slices(1.0, meta=metadata(receptive_field=2)),
             "it must give the same size ('same' padding)"),
    "rank": (_rank3_graph, "has rank 3"),
    "float64 conv": (lambda: laplacian_conv(1.0, dtype=np.float64),
                     "onnxruntime cannot run this graph"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_fail_with_their_message(gyre, tmp_path, case):
    make, message = BAD_FILES[case]
    path = tmp_path / "bad.onnx"
    onnx.save(make(), str(path))
    with pytest.raises(SetupError, match="bad.onnx") as err:
        gyre(closures=[str(path)])
    assert message in str(err.value)


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(SetupError, match="does not exist"):
        OnnxClosure(tmp_path / "none.onnx")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a protobuf at all")
    with pytest.raises(SetupError, match="not a valid ONNX model"):
        OnnxClosure(junk)


def test_command_line_runs_an_onnx_closure(tmp_path):
    path = save(laplacian_conv(A_H / DX**2), tmp_path / "lap.onnx")
    cmd = [sys.executable, "-m", "ocean", "run", str(EXAMPLES / "double_gyre.py"),
           "-s", "resolution_km", "200", "--steps", "3", "--quiet",
           "--output-dir", str(tmp_path), "-s", "closures"]  # fmt: skip
    done = subprocess.run([*cmd, path], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    bad = subprocess.run([*cmd, "no_such_closure"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "unknown closure 'no_such_closure'; registered closures:" in bad.stderr


SIMULATOR_SCRIPT = """
import sys
import numpy as np
from ocean.loader import load_setup
from ocean.model import Model

setup = load_setup(sys.argv[1])()
model = Model(setup, backend="cuda", settings={"resolution_km": 400, "closures": (sys.argv[2],)})
assert model.backend.name == "cuda" and model.backend.simulated
rng = np.random.default_rng(1)
g = model.grid
for name in ("u", "v"):
    model.state.set(name, rng.normal(0.0, 0.1, (g.nz, g.ny, g.nx)))
closure = model.closures.closures[0]
out = closure(model.closures.view)
np.savez(sys.argv[3], **{k: model.backend.to_host(v) for k, v in out.items()})
"""


@pytest.mark.cudasim
def test_cpu_and_cuda_simulator_give_the_same_tendency(gyre, tmp_path):
    import os

    path = save(random_cnn(meta=metadata(receptive_field=2, grid_spacing=400e3)),
                tmp_path / "cnn.onnx")  # fmt: skip
    out = tmp_path / "sim.npz"
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    done = subprocess.run(
        [sys.executable, "-c", SIMULATOR_SCRIPT, str(EXAMPLES / "double_gyre.py"), path, out],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    cpu = closure_output(gyre(closures=[path], resolution_km=400))
    sim = np.load(out)
    for name in ("u", "v"):
        assert np.abs(cpu[name]).max() > 0
        np.testing.assert_array_equal(sim[name], cpu[name])


def test_the_shipped_example_closure_runs_from_the_command_line(tmp_path):
    shipped = EXAMPLES / "closures" / "double_gyre_cnn.onnx"
    cmd = [sys.executable, "-m", "ocean", "run", str(EXAMPLES / "double_gyre.py"),
           "-s", "resolution_km", "50", "-s", "closures", str(shipped), "--steps", "4",
           "--quiet", "--output-dir", str(tmp_path)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # the same file on a grid it was not trained for is refused with the reason
    wrong = subprocess.run([*cmd[:5], "-s", "resolution_km", "100", *cmd[8:]],
                           capture_output=True, text=True)  # fmt: skip
    assert wrong.returncode == 2
    assert "trained at a grid spacing of 50000 m" in wrong.stderr

"""The closure-training example (examples/closures/) in a tiny configuration: training data
from a few fine steps, two epochs, the ONNX export and its metadata, and the exported graph
against the torch network (and against the model's ONNX loader, where it exists)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch", reason="training the closure needs torch: pip install 'ocean-hybrid[train]'"
)
ort = pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "examples" / "closures"
METADATA = (
    "ocean.inputs", "ocean.outputs", "ocean.input_mean", "ocean.input_scale",
    "ocean.output_mean", "ocean.output_scale", "ocean.receptive_field",
    "ocean.grid_spacing", "ocean.input_units", "ocean.output_units", "ocean.description",
)  # fmt: skip


def script(name):
    spec = importlib.util.spec_from_file_location(f"closures_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("closures")
    data = script("make_training_data").main(
        ["--spinup-days", "0.05", "--sample-days", "0.1", "--every-days", "0.02",
         "--out-dir", str(out)]
    )  # fmt: skip
    onnx_path = out / "cnn.onnx"
    result = script("train_cnn").main(
        ["--data", data["data"], "--out", str(onnx_path), "--epochs", "2", "--threads", "1"]
    )
    return out, onnx_path, result


def test_training_data(trained):
    out, _, _ = trained
    d = np.load(out / "training_data.npz")
    assert d["u"].shape == d["Su"].shape == (5, 10, 40, 40)
    assert d["v"].shape == d["Sv"].shape == (5, 10, 40, 40)
    assert float(d["grid_spacing"]) == 50e3
    for key in ("u", "v", "Su", "Sv"):
        assert np.isfinite(d[key]).all() and np.abs(d[key]).max() > 0, key
    # zero on land: the east wall's u faces, the north wall's v faces
    assert not d["Su"][..., -1].any() and not d["Sv"][..., -1, :].any()
    assert (out / "fine_end.restart.h5").is_file()
    assert not list(out.glob("*.tmp"))


def test_onnx_file_matches_torch(trained):
    _, onnx_path, result = trained
    assert onnx_path.stat().st_size < 1_000_000
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    meta = sess.get_modelmeta().custom_metadata_map
    assert set(METADATA) <= set(meta)
    assert meta["ocean.inputs"] == meta["ocean.outputs"] == "u,v"
    assert meta["ocean.receptive_field"] == "3"
    assert float(meta["ocean.grid_spacing"]) == 50e3
    assert meta["ocean.output_units"] == "m s-2,m s-2"
    assert len(meta["ocean.output_scale"].split(",")) == 2
    net = result["net"]
    rng = np.random.default_rng(1)
    for shape in ((10, 2, 40, 40), (3, 2, 23, 31)):  # symbolic N, H, W
        x = rng.standard_normal(shape).astype(np.float32)
        got = sess.run(None, {sess.get_inputs()[0].name: x})[0]
        with torch.no_grad():
            want = net(torch.from_numpy(x)).numpy()
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-5 * np.abs(want).max())


def test_model_runs_the_exported_closure(trained):
    """The model's ONNX loader gives the tendency the network predicts in training."""
    pytest.importorskip("ocean.plugins.onnx_closure")
    out, onnx_path, result = trained
    cg = script("coarse_grain")
    tc = script("train_cnn")
    model = cg.double_gyre(50.0, closures=(str(onnx_path),))
    d = np.load(out / "training_data.npz")
    cg.set_coarse_velocity(model, d["u"][-1], d["v"][-1])
    closure = model.closures.closures[0]
    tendency = closure(model.closures.view)
    with torch.no_grad():
        x = torch.from_numpy(np.stack([d["u"][-1], d["v"][-1]], axis=1))
        want = tc.Scaled(result["net"], result["norm"])(x).numpy()
    inner = (slice(None),) + model.grid.interior
    for c, name in enumerate(("u", "v")):
        got = model.backend.to_host(tendency[name])[inner]
        scale = np.abs(want[:, c]).max()
        np.testing.assert_allclose(got, want[:, c], rtol=0, atol=1e-5 * scale)

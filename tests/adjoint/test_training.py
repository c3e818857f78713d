"""ocean/adjoint/training.py and ``ocean train``: online training recovers a closure's
weight from trajectories it made, and writes a valid ONNX file.

The reference comes from the basin run with the Laplacian closure at coef = 2e-7 s-1 (in
the graph's units); training starts from half of it. Adam moves each weight by about the
learning rate per update, so 1e-8 per update and 12 updates can at most close
1.2e-7 of the 1e-7 gap: the test asks for the loss to fall by 10x and the weight to move
most of the way, which only a correct gradient sign and scale give.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from basin import basin, laplacian_closure

from ocean.adjoint.training import OnlineTrainer, windows_from_samples
from ocean.plugins.onnx_closure import OnnxClosure

HERE = Path(__file__).resolve().parent
TRUE, START = 2e-7, 1e-7
EVERY, SAMPLES = 3, 5


def reference_samples(tmp_path):
    (tmp_path / "true").mkdir()
    closure = laplacian_closure(tmp_path / "true", TRUE)
    model = basin(closures=(closure,))
    st = model.state
    samples = {n: [] for n in ("u", "v", "temp", "salt")}
    for s in range(SAMPLES):
        if s:
            model.run(EVERY)
        for n in samples:
            samples[n].append(st.get(n))
    return {n: np.stack(v) for n, v in samples.items()}, model.settings.dt_tracer


def test_online_training_recovers_the_weight(tmp_path):
    samples, _ = reference_samples(tmp_path)
    closure = laplacian_closure(tmp_path, START)
    model = basin(closures=(closure,))
    windows = windows_from_samples(samples, EVERY, 2, fields=("u", "v"))
    trainer = OnlineTrainer(model, closure, windows, snapshots=2, lr=1e-8, clip=0.0,
                            weights={"u": 1e4, "v": 1e4})  # fmt: skip
    history = trainer.train(epochs=4, batch_size=1, progress=False)
    coef = float(trainer.executor.parameters()["coef"])
    assert history[-1]["loss"] < 0.1 * history[0]["loss"], [h["loss"] for h in history]
    assert abs(coef - TRUE) < 0.3 * abs(START - TRUE), coef
    out = tmp_path / "trained.onnx"
    trainer.save(out)
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((2, 2, 6, 7))
    expected = trainer.executor.forward({"x": x})["y"]
    assert np.allclose(session.run(None, {"x": x})[0], expected, rtol=1e-12, atol=0)
    OnnxClosure(out)  # its metadata still passes the closure's checks


def test_ocean_train_command(tmp_path):
    samples, dt = reference_samples(tmp_path)
    data = tmp_path / "data.npz"
    days = np.arange(SAMPLES) * EVERY * dt / 86400.0
    np.savez(data, time_days=days, **samples)
    start = laplacian_closure(tmp_path, START)
    out = tmp_path / "out.onnx"
    cmd = [sys.executable, "-m", "ocean", "train", str(HERE / "basin.py"), "--closure",
           str(start.path), "--data", str(data), "--out", str(out), "--epochs", "1",
           "--window", "1", "--lr", "1e-8", "--snapshots", "2", "--quiet"]  # fmt: skip
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr
    assert out.is_file()
    bad = subprocess.run(cmd[:-9] + ["--data", str(tmp_path / "none.npz"), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert bad.returncode == 2 and "does not exist" in bad.stderr

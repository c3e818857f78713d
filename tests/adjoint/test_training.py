"""ocean/adjoint/training.py and ``ocean train``: online training recovers a closure's
weight from trajectories it made, and writes a valid ONNX file.

The targets of each window are the basin run from the window's start state (a cold
start, as training does it) with the Laplacian closure at coef = 2e-7 (the graph's
units), so the loss is zero there; training starts from half of it. Adam moves each
weight by about the learning rate per update: 1e-8 per update over 12 updates can close
the 1e-7 gap only if the gradient's sign is right update after update. The test asks
for the loss to fall by 10x and the weight to close most of the gap.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from basin import basin, laplacian_closure

from ocean.adjoint.training import OnlineTrainer, Window, start_from
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


def true_windows(tmp_path, samples):
    """Windows from each sample: targets after EVERY and 2 EVERY steps of the true run."""
    (tmp_path / "truth").mkdir()
    model = basin(closures=(laplacian_closure(tmp_path / "truth", TRUE),))
    windows = []
    for s in range(len(samples["u"]) - 1):
        start = {n: a[s] for n, a in samples.items()}
        start_from(model, start)
        targets = {}
        for d in (1, 2):
            model.run(EVERY)
            targets[d * EVERY] = {n: model.state.get(n) for n in ("u", "v")}
        windows.append(Window(start, targets))
    return windows


def test_online_training_recovers_the_weight(tmp_path):
    samples, _ = reference_samples(tmp_path)
    windows = true_windows(tmp_path, samples)
    closure = laplacian_closure(tmp_path, START)
    model = basin(closures=(closure,))
    trainer = OnlineTrainer(model, closure, windows, snapshots=2, lr=1e-8, clip=0.0,
                            weights={"u": 1e4, "v": 1e4})  # fmt: skip
    first = sum(trainer.loss_and_gradient(w)[0] for w in windows)
    trainer.train(epochs=3, batch_size=1, progress=False)
    last = sum(trainer.loss_and_gradient(w)[0] for w in windows)
    coef = float(trainer.executor.parameters()["coef"])
    assert last < 0.1 * first, (first, last, coef)
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

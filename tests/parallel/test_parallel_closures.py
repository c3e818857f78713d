"""Closures under MPI: each rank runs a closure on its block plus the closure's halo, so a
decomposed run equals the one-block run (bit for bit for kernel closures; for an ONNX
graph up to float32 round-off, since onnxruntime may order a convolution's sums
differently for blocks of another size)."""

import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import run_script

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from onnx_graphs import metadata, random_cnn, save  # noqa: E402

STEPS = 10
BASE = (("resolution_km", 200),)


def run(tmp_path, ranks, layout, settings, tag):
    out = tmp_path / f"{tag}-{ranks}.npz"
    args = ["model", "double_gyre", out, STEPS, "-s", "decomp_x", layout[0],
            "-s", "decomp_y", layout[1]]  # fmt: skip
    for name, value in (*BASE, *settings):
        args += ["-s", name, value]
    run_script(ranks, *args)
    return dict(np.load(out))


@pytest.mark.parametrize("closure", ["zb2020", "smagorinsky"])
def test_kernel_closures_decomposed_bit_identical(tmp_path, closure):
    settings = (("closures", closure),)
    one = run(tmp_path, 1, (1, 1), settings, closure)
    four = run(tmp_path, 4, (2, 2), settings, closure)
    for name in ("u", "v", "temp", "psi"):
        assert np.array_equal(one[name], four[name]), name


def test_onnx_closure_decomposed_equals_one_block(tmp_path):
    # a CNN whose tendency is comparable to the flow's other terms: scale 1e-6 m s-2
    meta = metadata(receptive_field=2, output_scale="1e-6,1e-6", input_scale="0.01,0.01")
    path = save(random_cnn(meta=meta), tmp_path / "cnn.onnx")
    settings = (("closures", path),)
    plain = run(tmp_path, 1, (1, 1), (), "plain")
    one = run(tmp_path, 1, (1, 1), settings, "cnn")
    two = run(tmp_path, 2, (2, 1), settings, "cnn")
    for name in ("u", "v"):
        effect = np.abs(one[name] - plain[name]).max()
        assert effect > 1e-4 * np.abs(plain[name]).max(), name  # the closure matters
        # float32 round-off (6e-8 relative) of the closure's tendency, accumulated over
        # the steps, bounds the difference: far below the closure's own effect
        assert np.abs(two[name] - one[name]).max() <= 1e-5 * effect, name

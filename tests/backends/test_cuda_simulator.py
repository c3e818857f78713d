"""The same kernels on the CPU backend and in numba-cuda's simulator agree.

``NUMBA_ENABLE_CUDASIM`` must be set before numba.cuda is first imported, so the CUDA side
runs in a subprocess. Both sides do the same floating-point operations in the same order
(the reductions of the pressure solver are the same host code), so 1e-13 relative allows
only for the compiled CPU code contracting a multiply-add differently.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ocean import Model
from ocean.loader import load_setup

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SMALL = {"nx": 6, "ny": 8, "nz": 3}
FIELDS = ("u", "v", "w", "temp", "salt", "psi", "rho")

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from ocean import Model
    from ocean.loader import load_setup
    setup = load_setup(sys.argv[1])()
    model = Model(setup, backend="cuda", settings={settings!r})
    assert model.backend.name == "cuda" and model.backend.simulated
    model.run(2)
    out = {{}}
    for name in {fields!r}:
        for level in ("taum1", "tau"):
            out[name + "_" + level] = model.state.get(name, level)
    np.savez(sys.argv[2], **out)
    """
)


def run_python(code, *args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip


@pytest.mark.cudasim
def test_acc_step_cpu_equals_cuda_simulator(tmp_path):
    out = tmp_path / "cuda.npz"
    code = SCRIPT.format(settings=SMALL, fields=FIELDS)
    res = run_python(code, EXAMPLES / "acc.py", out, env_extra={"NUMBA_ENABLE_CUDASIM": "1"})
    assert res.returncode == 0, res.stderr[-3000:]
    cuda = np.load(out)
    cpu = Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu", settings=SMALL)
    cpu.run(2)
    for name in FIELDS:
        for level in ("taum1", "tau"):
            a, b = cpu.state.get(name, level), cuda[f"{name}_{level}"]
            scale = np.abs(a).max()
            if level == "tau":
                assert scale > 0, f"{name} is zero: the comparison would prove nothing"
            assert np.abs(a - b).max() <= 1e-13 * scale, f"{name} at {level}"


def test_cuda_without_gpu_fails_clearly():
    code = "from ocean.backends import get_backend; get_backend('cuda')"
    env = {"NUMBA_ENABLE_CUDASIM": "0"}
    res = run_python(code, env_extra=env)
    assert res.returncode != 0
    assert "backend 'cuda'" in res.stderr
    assert "--backend cpu" in res.stderr


def test_unknown_backend_and_environment_choice(monkeypatch):
    from ocean.backends import get_backend

    with pytest.raises(ValueError, match="unknown backend 'fortran'; choose one of cpu, cuda"):
        get_backend("fortran")
    monkeypatch.setenv("OCEAN_BACKEND", "cpu")
    assert get_backend().name == "cpu"

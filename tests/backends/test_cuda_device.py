"""The full ACC benchmark physics on a real CUDA GPU agrees with the CPU backend.

Skipped where no CUDA GPU is visible (CI); run where one is:
``pytest -m gpu tests/backends/test_cuda_device.py``.

Unlike the simulator (bit-identical to the CPU), a GPU rounds differently: NVVM contracts
multiply-adds into FMAs and its exp/log/pow come from libdevice, so every kernel differs
from the CPU in the last bits of many values, every step. How far such differences grow in
this configuration is measured in the same test: the CPU run again from a temperature
perturbed by one ulp everywhere (measured on the CPU at 24x16x15 after 5 steps: 2e-11 of
the largest value in v and w, 1e-12 in u and the energies, 2e-16 in the tracers). The GPU,
which perturbs many operations rather than one field once, may differ from the CPU by
``SPREAD_FACTOR`` times that spread (plus a floor of a few ulps of the field's scale): a
wrong kernel, a race or a missed synchronisation gives O(1) differences in some field.

Measured on an NVIDIA H200 (numba-cuda 0.30.4, 2026-12-04): the GPU's difference was at
most 1.6 times the spread (v: 3.3e-11 against 2.1e-11; temp, salt and the streamfunction
within 3e-16), so the factor 10 leaves room for another GPU's rounding and no more.
"""

import textwrap

import numpy as np
import pytest
from cuda_runs import EXAMPLES, run_python, start_python

from ocean import Model
from ocean.loader import load_setup

SETTINGS = {"nx": 24, "ny": 16, "nz": 15}
STEPS = 5
FIELDS = ("u", "v", "w", "temp", "salt", "rho", "tke", "eke", "E_iw", "streamfunction")
#: GPU-vs-CPU difference allowed, in units of the one-ulp perturbation's spread
SPREAD_FACTOR = 10.0
#: floor of the allowed difference, relative to the field's largest value
FLOOR = 1e-14
NO_GPU = 3  # exit status of the script where no GPU is visible

SCRIPT = textwrap.dedent(
    """
    import sys
    import warnings
    warnings.simplefilter("ignore")  # Numba's pages of warnings would fill the pipe
    import numpy as np
    import ocean
    from ocean.loader import load_setup
    Setup = load_setup(sys.argv[1])
    try:
        model = ocean.Model(Setup(), backend="cuda", settings={settings!r})
    except RuntimeError as err:
        print(err)
        sys.exit({no_gpu})
    assert model.backend.name == "cuda" and not model.backend.simulated
    model.run({steps})
    np.savez(sys.argv[2], **{{name: model.state.get(name, "tau") for name in {fields!r}}})
    """
)


def cpu_fields(perturb_temperature: bool):
    model = Model(load_setup(EXAMPLES / "acc_benchmark.py")(), backend="cpu", settings=SETTINGS)
    if perturb_temperature:
        temp = model.state.get("temp", "tau")
        model.state.set("temp", np.nextafter(temp, np.inf))
    model.run(STEPS)
    return {name: model.state.get(name, "tau") for name in FIELDS}


def gpu_visible() -> bool:
    """Whether numba-cuda sees a real GPU (asked in a new process without the simulator)."""
    code = "from numba import cuda; print(cuda.is_available())"
    res = run_python(code, drop=("NUMBA_ENABLE_CUDASIM",))
    return res.returncode == 0 and res.stdout.strip() == "True"


@pytest.mark.gpu
def test_acc_benchmark_on_gpu_within_round_off_spread_of_cpu(tmp_path):
    if not gpu_visible():
        pytest.skip("no CUDA GPU visible to numba-cuda")
    out = tmp_path / "gpu.npz"
    code = SCRIPT.format(settings=SETTINGS, steps=STEPS, fields=FIELDS, no_gpu=NO_GPU)
    gpu_run = start_python(code, EXAMPLES / "acc_benchmark.py", out, drop=("NUMBA_ENABLE_CUDASIM",))
    cpu, perturbed = cpu_fields(False), cpu_fields(True)  # while the GPU side compiles
    res = gpu_run.finish()
    assert res.returncode != NO_GPU, f"the model found no GPU: {res.stdout.strip()}"
    assert res.returncode == 0, res.stderr[-3000:]
    gpu = np.load(out)
    report = {}
    for name in FIELDS:
        a, b = cpu[name], gpu[name]
        assert a.shape == b.shape, (name, a.shape, b.shape)
        assert np.isfinite(b).all(), f"{name} is not finite on the GPU"
        scale = np.abs(a).max()
        assert scale > 0, f"{name} is zero: the comparison would prove nothing"
        spread = np.abs(perturbed[name] - a).max()
        diff = np.abs(b - a).max()
        allowed = SPREAD_FACTOR * spread + FLOOR * scale
        report[name] = (diff / scale, spread / scale)
        assert diff <= allowed, (
            f"{name}: GPU differs from CPU by {diff:.3e} (scale {scale:.3e}); "
            f"a one-ulp perturbation spreads to {spread:.3e}, allowed {allowed:.3e}"
        )
    print("relative GPU-CPU difference and one-ulp spread:", report)

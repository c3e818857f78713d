"""Kernels compile for a real GPU (typing and lowering by numba-cuda), without one.

The simulator runs kernels as Python, so it never types them for the CUDA target; a kernel
that only the GPU compiler refuses would pass every simulator test. Here numba-cuda types
and lowers launchers to NVVM IR for compute capability 9.0 (the H100/H200); only the last
step, NVVM to PTX, needs the CUDA libraries. Its device query is answered with that
capability, as the only thing it asks a GPU for.

Regression: numba-cuda 0.30.4 refused every kernel whose stencil helpers were inlined
through Numba's own registry ("No implementation of function mul(omitted(default=
Undefined), ...)", first seen on an H200); the launchers now call numba-cuda's own
device functions for them (``backends.cuda.device_stencil``).
"""

import types as pytypes

import numba
import pytest
from conftest import EXAMPLES

from ocean import Model
from ocean.loader import load_setup

cuda_compiler = pytest.importorskip("numba.cuda.compiler", reason="needs numba-cuda")

#: among the kernels compiled: one of each launcher template, with stencils inlined two and
#: three deep (the TEOS-10 density and enthalpy, which the benchmark launches together;
#: IDEMIX's group speeds through kernels/elementary.py; the row steps of the tridiagonal
#: sweeps), a column kernel, and a column form that calls a helper left a call
#: (``stencil(inline=False)``: the tridiagonal solve)
KERNELS = (
    "state_and_enthalpy",
    "wave_parameters_cells",
    "diffusion_eliminate",
    "diffusion_back_substitute",
    "tke_surface_correction",
    "tracer_vertical_mixing",
)
COMPUTE_CAPABILITY = (9, 0)


@pytest.fixture(scope="module")
def launches():
    """(kernel, static values, numba types of the arguments) of every launch in the first
    steps of the ACC benchmark on the CPU, by kernel name."""
    setup = load_setup(EXAMPLES / "acc_benchmark.py")()
    model = Model(setup, backend="cpu", settings={"nx": 8, "ny": 12, "nz": 8})
    seen, launch = {}, model.backend.launch

    def record(kn, region, *args):
        for form in (kn, *kn.sweeps):  # a column form too: the adjoints and the tape run it
            static = model.backend.static_values(form, args) if form.static else ()
            seen[form.name] = (form, static, tuple(numba.typeof(a) for a in args))
        return launch(kn, region, *args)

    model.backend.launch = record
    model.run(2)
    return seen


def test_every_launched_kernel_compiles_for_cuda(launches, monkeypatch):
    """Every kernel and column form the ACC benchmark launches (73; 32 s in all since the
    stencils are inlined before typing, ``backends/inline.py``), each failure named."""
    import numba.cuda.dispatcher

    from ocean.backends.cuda import CudaBackend

    device = pytypes.SimpleNamespace(compute_capability=COMPUTE_CAPABILITY)
    monkeypatch.setattr(numba.cuda.dispatcher, "get_current_device", lambda: device)
    missing = [name for name in KERNELS if name not in launches]
    assert not missing, f"{missing} were not launched: {sorted(launches)}"
    backend = CudaBackend.__new__(CudaBackend)  # no GPU needed to make a launcher
    backend.simulated = False
    refused = {}
    for name, (kn, static, arg_types) in sorted(launches.items()):
        launcher = backend.launcher(kn, "launch", static)
        box = (numba.types.int64,) * (4 if kn.column else 6)
        try:
            result = cuda_compiler.compile_cuda(
                launcher.py_func, numba.types.void, box + arg_types, cc=COMPUTE_CAPABILITY
            )
        except Exception as error:  # every refusal is reported, by name
            refused[name] = f"{type(error).__name__}: {str(error)[:300]}"
            continue
        if "launch" not in result.library.get_llvm_str():
            refused[name] = "no launch function in the NVVM IR"
    assert not refused, refused

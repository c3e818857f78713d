"""The same kernels on the CPU backend and in numba-cuda's simulator agree; backend choice.

``NUMBA_ENABLE_CUDASIM`` must be set before numba.cuda is first imported, so the CUDA side
runs in a subprocess that writes its fields to an .npz. Both sides do the same
floating-point operations in the same order (the reductions of the pressure solver are
the same host code), so 1e-13 relative allows only for the compiled CPU code contracting a
multiply-add differently. Measured on the development machine: bit-identical (0.0).

The simulator costs ~130 us per cell per launch: keep the grid at a few hundred cells.
"""

import textwrap

import numpy as np
import pytest
from cuda_runs import EXAMPLES, run_python

from ocean import Model
from ocean.loader import load_setup

#: 4 x 12 x 7: the channel and two rows north of 20S with the land barrier (coasts);
#: nz = 7 because the resampled ACC layers are rejected by the grid for nz < 7
SMALL = {"nx": 4, "ny": 12, "nz": 7}
#: (example, settings): ACC is spherical, periodic, with the streamfunction and its island
#: integrals, superbee, nonlinear EOS and implicit vertical friction; the double gyre
#: (5 x 5 x 10) is Cartesian, closed, free surface, centred advection, linear EOS, with
#: biharmonic friction and K_h switched on
CASES = {
    "acc": ("acc", SMALL),
    "double_gyre": (
        "double_gyre",
        {"resolution_km": 400.0, "A_hbi": 1e12, "tracer_advection": "centred", "K_h": 100.0},
    ),
}
FIELDS = ("u", "v", "w", "temp", "salt", "rho")
#: the external mode's field of each case: the streamfunction, or the surface pressure
BAROTROPIC = {"acc": "streamfunction", "double_gyre": "psi"}
LEVELS = ("taum1", "tau", "taup1")
STEPS = 2  # the second step uses the Adams-Bashforth history of the first

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import ocean
    from ocean.loader import load_setup
    Setup = load_setup(sys.argv[1])
    model = ocean.Model(Setup(), backend="cuda", settings={settings!r})
    assert model.backend.name == "cuda" and model.backend.simulated
    model.run({steps})
    out = {{"itt": model.state.itt}}
    for name in {fields!r}:
        levels = {levels!r} if model.state.variables[name].levels > 1 else ("tau",)
        for level in levels:
            out[name + "_" + level] = model.state.get(name, level)
    np.savez(sys.argv[2], **out)
    """
)


@pytest.mark.cudasim
@pytest.mark.parametrize("case", sorted(CASES))
def test_steps_cpu_equal_cuda_simulator(tmp_path, case):
    example, settings = CASES[case]
    path = EXAMPLES / f"{example}.py"
    out = tmp_path / "cuda.npz"
    fields = FIELDS + (BAROTROPIC[case],)
    code = SCRIPT.format(settings=settings, steps=STEPS, fields=fields, levels=LEVELS)
    res = run_python(code, path, out, env_extra={"NUMBA_ENABLE_CUDASIM": "1"})
    assert res.returncode == 0, res.stderr[-3000:]
    cuda = np.load(out)
    assert int(cuda["itt"]) == STEPS

    cpu = Model(load_setup(path)(), backend="cpu", settings=settings)
    assert cpu.grid.nx * cpu.grid.ny * cpu.grid.nz <= 400  # the simulator is slow
    assert cpu.backend.name == "cpu"
    cpu.run(STEPS)
    assert cpu.state.itt == STEPS
    worst = {}
    for name in fields:
        levels = LEVELS if cpu.state.variables[name].levels > 1 else ("tau",)
        for level in levels:
            a, b = cpu.state.get(name, level), cuda[f"{name}_{level}"]  # interior only
            assert a.shape == b.shape, (name, level, a.shape, b.shape)
            assert a.shape[-2:] == (cpu.grid.ny, cpu.grid.nx)
            assert np.isfinite(a).all() and np.isfinite(b).all(), f"{name} at {level}"
            scale = np.abs(a).max()
            if level == "tau":
                assert scale > 0, f"{name} is zero: the comparison would prove nothing"
            diff = np.abs(a - b).max()
            worst[f"{name}_{level}"] = diff / scale if scale > 0 else diff
            assert diff <= 1e-13 * scale, f"{name} at {level}: {diff:.3e} vs scale {scale:.3e}"
    # the velocities moved during the run (the comparison covers a real step, not rest)
    assert np.abs(cpu.state.get("u", "tau") - cpu.state.get("u", "taum1")).max() > 0
    print("max relative CPU vs simulator difference:", max(worst.values()), worst)


def test_cuda_without_gpu_fails_clearly():
    """Without a GPU (or CuPy) and without the simulator: a RuntimeError saying what to do."""
    code = textwrap.dedent(
        """
        from ocean.backends import get_backend
        try:
            get_backend("cuda")
        except RuntimeError as err:
            print("RuntimeError:", err)
        else:
            from numba import cuda

            print("NO ERROR; GPU visible:", cuda.is_available())
        """
    )
    res = run_python(code, drop=("NUMBA_ENABLE_CUDASIM",))
    assert res.returncode == 0, res.stderr[-3000:]
    message = res.stdout
    if message.strip() == "NO ERROR; GPU visible: True":
        pytest.skip("a CUDA GPU is visible: backend 'cuda' rightly works here")
    assert message.startswith("RuntimeError: backend 'cuda'"), message
    assert "--backend cpu" in message
    assert "GPU" in message
    # the model refuses the same way (no half-built model)
    code = "import ocean; ocean.Model(ocean.Setup(), backend='cuda')"
    res = run_python(code, env_extra={"NUMBA_ENABLE_CUDASIM": "0"})
    assert res.returncode != 0
    assert "RuntimeError: backend 'cuda'" in res.stderr, res.stderr[-2000:]


def test_unknown_backend_names_the_allowed_ones(monkeypatch):
    from ocean.backends import get_backend

    with pytest.raises(ValueError, match="unknown backend 'fortran'; choose one of cpu, cuda"):
        get_backend("fortran")
    monkeypatch.setenv("OCEAN_BACKEND", "fortran")
    with pytest.raises(ValueError, match="unknown backend 'fortran'"):
        get_backend()
    # an explicit name wins over the environment
    assert get_backend("cpu").name == "cpu"


def test_environment_selects_the_backend(monkeypatch):
    from ocean.backends import get_backend

    monkeypatch.delenv("OCEAN_BACKEND", raising=False)
    assert get_backend().name == "cpu"  # the default
    monkeypatch.setenv("OCEAN_BACKEND", "CPU")
    assert get_backend().name == "cpu"


def test_environment_selects_cuda_in_the_simulator():
    code = textwrap.dedent(
        """
        import numpy as np
        import ocean
        from ocean.backends import get_backend
        b = get_backend()
        model = ocean.Model(ocean.Setup(), settings={"nx": 2, "ny": 2, "nz": 2})
        print(b.name, b.simulated, b.xp is np, model.backend.name)
        """
    )
    env = {"OCEAN_BACKEND": "cuda", "NUMBA_ENABLE_CUDASIM": "1"}
    res = run_python(code, env_extra=env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.split() == ["cuda", "True", "True", "cuda"]

"""Column kernels launched as their sweep form (``column_kernel(sweeps=...)``) give the
column form's bits: on random columns (land, one wet level, all wet, stiff diffusion) the
backend's launch, which runs the sweeps, equals the column launcher run directly, on the
CPU and in the CUDA simulator; a sweep form that cannot stand in for its column kernel is
refused at definition."""

import textwrap

import numpy as np
import pytest
from simulator import run_in_simulator

import ocean.kernels.eke  # noqa: F401  (the kernels with sweep forms, registered)
import ocean.kernels.energy  # noqa: F401
import ocean.kernels.enthalpy  # noqa: F401
import ocean.kernels.idemix  # noqa: F401
import ocean.kernels.pressure  # noqa: F401
import ocean.kernels.streamfunction  # noqa: F401
import ocean.kernels.tracers  # noqa: F401
import ocean.kernels.vertical  # noqa: F401
import ocean.kernels.vertical_friction  # noqa: F401
import ocean.kernels.wgrid_advection  # noqa: F401
from ocean.backends import get_backend
from ocean.kernels import core
from ocean.kernels.core import KERNELS, column_kernel, kernel

NZ, NY, NX = 6, 5, 8
#: every column kernel that declares a sweep form, with its scalar arguments
SCALARS = {
    "implicit_vertical_friction": {"dt": 600.0},
    "tracer_vertical_mixing": {"dt": 600.0},
    "vertical_velocity": {},
    "hydrostatic_pressure": {"grav": 9.81, "rho_0": 1024.0},
    "depth_mean_tendency": {},
    "vertical_velocity_on_wgrid": {},
    "eke_rossby_radius": {},
    "friction_dissipation_on_tgrid": {},
    "dissipation_on_wgrid": {},
    "idemix_parameters": {"gamma": 1.57, "jstar": 5.0, "mu0": 1.33},
    "barotropic_velocity_update": {},
    "internal_wave_energy_input": {"placement": 2, "bottom_fraction": 0.2, "bottom": True},
}
#: what each writes that the model reads (not its scratch)
OUTPUTS = {
    "implicit_vertical_friction": ("du_mix", "dv_mix"),
    "tracer_vertical_mixing": ("t_new",),
    "vertical_velocity": ("w",),
    "hydrostatic_pressure": ("p_hydro",),
    "depth_mean_tendency": ("ubar", "vbar"),
    "vertical_velocity_on_wgrid": ("w_wgrid",),
    "eke_rossby_radius": ("L_rossby",),
    "friction_dissipation_on_tgrid": ("K_diss_h",),
    "dissipation_on_wgrid": ("diss_w",),
    "idemix_parameters": ("cstar", "c0", "v0", "alpha_c"),
    "barotropic_velocity_update": ("u_sum", "v_sum", "u", "v"),
    "internal_wave_energy_input": ("column_total", "forcing"),
}
#: inputs drawn positive (masks, widths, diffusivities); the rest take either sign
POSITIVE = ("mask", "dz", "kappa", "rate", "cos", "h", "area", "beta")
FIELDS_2D = (
    "kbot", "rate", "target", "flux", "hur", "hvr", "ubar", "vbar", "coriolis_t", "beta",
    "L_rossby", "area_t", "area_v", "cstar", "psi", "u_sum", "v_sum", "column_total",
)  # fmt: skip
#: 1-D metrics by their length
METRICS = {"dzt": NZ, "dzw": NZ, "dxt": NX, "dxu": NX, "dyt": NY, "cost": NY, "cosu": NY}


def with_sweeps():
    return sorted(n for n, kn in KERNELS.items() if kn.sweeps and kn.module.startswith("ocean."))


def draw(name, rng):
    """Random inputs by argument name; kbot covers land (0), one wet level (NZ) and all."""
    if name == "kbot":
        kbot = rng.integers(0, NZ + 1, (NY, NX)).astype(np.int32)
        kbot[0, :3] = (0, NZ, 1)
        return kbot
    if name in METRICS:
        return rng.uniform(10.0, 100.0, METRICS[name]) / (100.0 if name.startswith("cos") else 1.0)
    shape = (NY, NX) if name in FIELDS_2D else (NZ, NY, NX)
    if name.startswith("kappa"):  # diffusion numbers dt kappa / dz^2 from 1e-4 to 1e2
        return 10.0 ** rng.uniform(-3.0, 3.0, shape)
    if name.startswith(POSITIVE):
        return rng.uniform(0.5, 1.5, shape)
    return rng.normal(size=shape)


def inputs(kn, seed):
    rng = np.random.default_rng(seed)
    scalars = SCALARS[kn.name]
    return [scalars[n] if n in scalars else draw(n, rng) for n in kn.arg_names]


def columns(kn):
    r = kn.radius
    return (r, NY - r, r, NX - r)


def by_columns(kn, args):
    """The column form: the column launcher itself, not the backend's sweeps."""
    b = get_backend("cpu")
    out = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    b.launcher(kn, "launch", b.static_values(kn, out) if kn.static else ())(*columns(kn), *out)
    return out


def by_sweeps(backend, kn, args):
    out = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    get_backend(backend).launch(kn, columns(kn), *out)
    return out


def outputs(kn):
    return list(OUTPUTS[kn.name])


def test_the_kernels_with_sweep_forms_are_covered():
    assert {KERNELS[n].name for n in with_sweeps()} == set(SCALARS) == set(OUTPUTS)


@pytest.mark.parametrize("name", with_sweeps())
@pytest.mark.parametrize("seed", [1, 2])
def test_sweep_form_equals_the_column_form_bit_for_bit(name, seed):
    kn = KERNELS[name]
    args = inputs(kn, seed)
    expected, got = by_columns(kn, args), by_sweeps("cpu", kn, args)
    for n in outputs(kn):
        i = kn.arg_names.index(n)
        assert np.abs(expected[i] - args[i]).max() > 1e-6, f"{n}: the column form did nothing"
        assert np.array_equal(got[i], expected[i], equal_nan=True), n


SIMULATOR_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from test_sweep_forms import KERNELS, by_sweeps, inputs, outputs
    kn = KERNELS[sys.argv[3]]
    got = by_sweeps("cuda", kn, inputs(kn, seed=3))
    np.savez(sys.argv[2], **{n: got[kn.arg_names.index(n)] for n in outputs(kn)})
    """
)


@pytest.mark.cudasim
@pytest.mark.parametrize("name", with_sweeps())
def test_cuda_simulator_sweep_form_equals_the_column_form(name, tmp_path):
    pytest.importorskip("numba.cuda")
    kn = KERNELS[name]
    path = tmp_path / "sweeps.npz"
    run_in_simulator(SIMULATOR_SCRIPT, path, name)
    expected = by_columns(kn, inputs(kn, seed=3))
    saved = np.load(path)
    for n in outputs(kn):
        assert np.array_equal(saved[n], expected[kn.arg_names.index(n)], equal_nan=True), n


@pytest.fixture
def registry(monkeypatch):
    """A private KERNELS table, so kernels defined here do not leak into other tests."""
    monkeypatch.setattr(core, "KERNELS", dict(KERNELS))


def test_sweep_form_with_other_arguments_is_refused(registry):
    @kernel(radius=0, sweep=1)
    def other_arguments(k, j, i, a, b):
        a[k, j, i] = b[k, j, i]

    with pytest.raises(TypeError, match=r"takes \('a', 'b'\), not the column kernel's"):

        @column_kernel(radius=0, sweeps=(other_arguments,))
        def copy_column(j, i, a):
            pass


def test_sweep_form_wider_than_its_column_kernel_is_refused(registry):
    @kernel(radius=2, sweep=1)
    def too_wide(k, j, i, a):
        a[k, j, i] = a[k, j, i - 2]

    with pytest.raises(TypeError, match=r"radius 2 .* it needs radius <= 1"):

        @column_kernel(radius=1, sweeps=(too_wide,))
        def shift_column(j, i, a):
            pass


def test_a_column_kernel_is_no_sweep_form(registry):
    @column_kernel(radius=0)
    def column_form(j, i, a):
        pass

    with pytest.raises(TypeError, match="must be cell or sweep kernels"):

        @column_kernel(radius=0, sweeps=(column_form,))
        def other(j, i, a):
            pass


@pytest.mark.parametrize("placement", [0, 1, 2])
@pytest.mark.parametrize("bottom", [True, False])
def test_internal_wave_input_sweep_form_for_every_placement(placement, bottom):
    """EKE's dissipation where it occurs (0), at the bottom (1), or split between bottom
    and surface (2), with or without bottom friction's energy: the column form's bits."""
    kn = KERNELS["ocean.kernels.energy.internal_wave_energy_input"]
    args = inputs(kn, seed=5)
    args[kn.arg_names.index("placement")] = placement
    args[kn.arg_names.index("bottom")] = bottom
    expected, got = by_columns(kn, args), by_sweeps("cpu", kn, args)
    for n in OUTPUTS[kn.name]:
        i = kn.arg_names.index(n)
        assert np.array_equal(got[i], expected[i], equal_nan=True), n

"""CPU backend: primitives, the periodic halo fill, the launcher cache, argument checks."""

import ast
import os
import subprocess
import sys

import numpy as np
import pytest

from ocean import Model, Setup
from ocean.backends import get_backend, launch
from ocean.backends.cpu import CpuBackend
from ocean.backends.launch import kernel_sources
from ocean.kernels import advection as KA
from ocean.kernels import pressure as KP
from ocean.kernels import vertical_friction as KVF
from ocean.kernels.halo import copy_strip


@pytest.fixture
def cpu():
    return get_backend("cpu")


# -- primitives ------------------------------------------------------------------------
def test_sums_over_a_box(cpu):
    rng = np.random.default_rng(0)
    a, w = rng.normal(size=(3, 6, 7)), rng.uniform(size=(3, 6, 7))
    box = (0, 3, 1, 5, 2, 6)
    sl = (slice(0, 3), slice(1, 5), slice(2, 6))
    a[:, 0] = a[:, :, :2] = 1e30  # outside the box: must not count
    assert np.isclose(cpu.weighted_sum(a, w, box), (a * w)[sl].sum(), rtol=1e-14, atol=0)
    assert np.isclose(cpu.dot2(a[1], w[1], box[2:]), (a[1] * w[1])[sl[1:]].sum(), rtol=1e-14)
    # a 2-D field is one level of a 3-D one
    assert cpu.weighted_sum(a[2], w[2], (0, 1, *box[2:])) == cpu.dot2(a[2], w[2], box[2:])
    assert isinstance(cpu.dot2(a[0], w[0], box[2:]), float)
    assert cpu.weighted_sum(a, w, (0, 3, 2, 2, 0, 7)) == 0.0  # empty box


THREAD_SUMS = """
import numpy as np
from ocean.backends import get_backend
cpu = get_backend("cpu")
rng = np.random.default_rng(5)
a, w = rng.normal(size=(4, 30, 40)), rng.uniform(size=(4, 30, 40))
sums = []
for threads in (1, 2):
    cpu.set_threads(threads)
    sums.append(float(cpu.weighted_sum(a, w, (0, 4, 0, 30, 0, 40))))
print(repr(sums))
"""


def test_sums_do_not_depend_on_the_thread_count():
    """In a process of its own with 2 Numba threads (a test worker may have only one)."""
    env = dict(os.environ, NUMBA_NUM_THREADS="2")
    done = subprocess.run(
        [sys.executable, "-c", THREAD_SUMS], capture_output=True, text=True, env=env, check=True
    )
    one, two = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert one == two != 0.0


def test_masked_max_abs_and_nan(cpu):
    rng = np.random.default_rng(1)
    a = rng.normal(size=(3, 6, 7))
    box = (0, 3, 1, 5, 2, 6)
    sl = (slice(0, 3), slice(1, 5), slice(2, 6))
    mask = (rng.uniform(size=a.shape) > 0.5).astype(float)
    assert cpu.masked_max_abs(a, mask, box) == np.abs(a * mask)[sl].max()
    assert cpu.masked_max_abs(a, np.zeros_like(a), box) == 0.0
    a[0, 0, 0] = -1e6  # outside the box
    assert cpu.masked_max_abs(a, np.ones_like(a), box) == np.abs(a)[sl].max()
    a[2, 4, 5] = np.nan  # in the box, last cell visited
    assert np.isnan(cpu.masked_max_abs(a, np.ones_like(a), box))
    mask[2, 4, 5] = 0.0  # NaN on land does not count
    assert cpu.masked_max_abs(a, mask, box) == np.abs(np.where(mask > 0, a, 0))[sl].max()
    b2 = np.array([[1.0, -3.0], [np.nan, 2.0]])  # 2-D fields are accepted
    assert cpu.masked_max_abs(b2, np.ones((2, 2)), (0, 1, 0, 1, 0, 2)) == 3.0
    assert np.isnan(cpu.masked_max_abs(b2, np.ones((2, 2)), (0, 1, 0, 2, 0, 2)))


def test_all_finite(cpu):
    a = np.zeros((2, 3, 4))
    full = (0, 2, 0, 3, 0, 4)
    assert cpu.all_finite(a, full) is True
    for bad in (np.nan, np.inf, -np.inf):
        a[1, 2, 3] = bad
        assert cpu.all_finite(a, full) is False
        assert cpu.all_finite(a, (0, 2, 0, 3, 0, 3)) is True  # outside the box
    assert cpu.all_finite(np.ones((3, 4)), (0, 1, 0, 3, 0, 4)) is True


def test_fill_copy_zeros_asarray(cpu):
    a = cpu.zeros((2, 3))
    assert a.dtype == np.float64 and a.shape == (2, 3) and not a.any()
    view = a[1]
    cpu.fill(view, 2.5)  # in place, through a view
    assert (a[1] == 2.5).all() and (a[0] == 0).all()
    src = np.arange(6.0).reshape(2, 3)
    cpu.copy(a, src)
    assert np.array_equal(a, src) and a is not src
    src[0, 0] = 99.0
    assert a[0, 0] == 0.0  # a copy, not an alias
    f = cpu.asarray(np.arange(12.0).reshape(3, 4).T, dtype=np.float64)
    assert f.flags.c_contiguous and cpu.to_host(f) is not None
    assert cpu.zeros((2,), dtype=np.int32).dtype == np.int32


# -- halo fill -------------------------------------------------------------------------
@pytest.mark.parametrize("h", [1, 2, 3])
def test_periodic_halo_fill_by_direct_launch(cpu, h):
    nx, ny, nz = 5, 4, 2
    field = np.random.default_rng(h).normal(size=(nz, ny, nx + 2 * h))
    interior = field[..., h : h + nx].copy()
    cpu.launch(copy_strip, (0, nz, 0, ny, 0, h), field, 0, nx)  # west halo <- east edge
    cpu.launch(copy_strip, (0, nz, 0, ny, nx + h, nx + 2 * h), field, 0, -nx)
    assert np.array_equal(field[..., h : h + nx], interior), "the interior changed"
    assert np.array_equal(field[..., :h], interior[..., nx - h :])  # west halo = east edge
    assert np.array_equal(field[..., nx + h :], interior[..., :h])  # east halo = west edge
    # periodic: the extended field equals the interior tiled
    tiled = np.concatenate([interior] * 3, axis=-1)[..., nx - h : 2 * nx + h]
    assert np.array_equal(field, tiled)


@pytest.mark.parametrize("h", [2, 3])
def test_model_fill_halo_is_periodic(h):
    settings = {"nx": 6, "ny": 4, "nz": 2, "halo": h, "enable_cyclic_x": True}
    model = Model(Setup(), backend="cpu", settings=settings)
    g = model.grid
    assert g.h == h and g.periodic_x
    rng = np.random.default_rng(h)
    f3 = rng.normal(size=g.shape3)
    f2 = rng.normal(size=g.shape2)
    inner3, inner2 = f3[..., h : h + g.nx].copy(), f2[..., h : h + g.nx].copy()
    model.fill_halo(f3, f2)
    for f, inner in ((f3, inner3), (f2, inner2)):
        assert np.array_equal(f[..., :h], inner[..., g.nx - h :])
        assert np.array_equal(f[..., h + g.nx :], inner[..., :h])
        assert np.array_equal(f[..., h : h + g.nx], inner)


# -- generated launchers ---------------------------------------------------------------
def test_launcher_hash_covers_own_and_imported_kernel_modules_only():
    """Editing advection.py must not invalidate vertical friction's launchers; editing the
    tridiagonal solver that it imports, core.py or a backend must."""
    names = {p.name for p in kernel_sources(KVF.implicit_vertical_friction.module)}
    assert {"vertical_friction.py", "tridiagonal.py", "core.py", "cpu.py", "launch.py"} <= names
    assert "advection.py" not in names and "friction.py" not in names


def test_launcher_cache_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("OCEAN_CACHE_DIR", str(tmp_path))
    kn = KP.cg_direction
    first = CpuBackend().launcher(kn)
    files = sorted(tmp_path.rglob("*.py"))
    assert len(files) == 1 and files[0].parent.parent.name == "launchers-cpu"
    assert files[0].parent.name.startswith("pressure-")
    path = files[0]
    assert kn.name in path.name
    stat = path.stat()

    def no_write(*args):
        raise AssertionError(f"launcher rewritten: {args}")

    monkeypatch.setattr(launch.os, "replace", no_write)
    second = CpuBackend().launcher(kn)  # another backend instance in this process
    assert second is first
    # a fresh process: the module is imported again from the same file, not rewritten
    modname = path.stem
    monkeypatch.delitem(sys.modules, modname)
    third = CpuBackend().launcher(kn)
    assert sys.modules[modname].__file__ == str(path)
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (stat.st_mtime_ns, stat.st_ino)
    expected = files + [path.parent, path.parent.parent]
    assert sorted(tmp_path.rglob("*")) == sorted(expected), "new files written"
    assert callable(third) and third is not first  # a new module object, same file


def test_wrong_argument_count_names_the_kernel(cpu):
    with pytest.raises(TypeError, match=r"tracer_advection takes \('t', 'u'.*got 1 arguments"):
        cpu.launch(KA.tracer_advection, (0, 1, 0, 1, 0, 1), np.zeros(1))
    z = np.zeros((1, 1, 1))
    with pytest.raises(TypeError, match="cg_direction takes .* got 4 arguments"):
        cpu.launch(KP.cg_direction, (0, 1, 0, 1, 0, 1), z, 1.0, z, z)


# -- the launcher's index assumption ------------------------------------------------------
def operator_by_numpy(p, coef_e, coef_n, fs):
    """surface_pressure_operator on rows 1..ny-2 and every column, i - 1 wrapping as NumPy
    (and Numba) index -1: the last column."""
    west_p, west_c = np.roll(p, 1, axis=-1), np.roll(coef_e, 1, axis=-1)
    east_p = np.roll(p, -1, axis=-1)
    out = (
        coef_e * (p - east_p)
        + west_c * (p - west_p)
        + coef_n * (p - np.roll(p, -1, axis=-2))
        + np.roll(coef_n, 1, axis=-2) * (p - np.roll(p, 1, axis=-2))
        + fs * p
    )
    return out[:, 1:-1, :-1]


@pytest.mark.parametrize("i0", [0, 1, 2])
def test_cell_launch_is_exact_from_any_start_within_the_array(cpu, i0):
    """A radius-1 kernel (i - 1 and i + 1 read) on boxes from i0 = 1, 2 (the launcher that
    assumes i >= radius: vectorised) and from i0 = 0 (the one for boxes at the edge, where
    i - 1 still wraps as NumPy's -1): bit for bit the NumPy stencil."""
    rng = np.random.default_rng(5)
    ny, nx = 6, 37  # an odd row: vector body and scalar remainder both run
    p = rng.normal(size=(1, ny, nx))
    coef_e, coef_n, fs = (rng.uniform(size=(ny, nx)) for _ in range(3))
    out = np.full((1, ny, nx), np.nan)
    cpu.launch(
        KP.surface_pressure_operator, (0, 1, 1, ny - 1, i0, nx - 1), p, coef_e, coef_n, fs, out
    )
    expected = operator_by_numpy(p, coef_e, coef_n, fs)
    assert np.array_equal(out[:, 1:-1, i0:-1], expected[..., i0:])
    assert np.isnan(out[:, 1:-1, :i0]).all()  # nothing written outside the box


def test_cell_launch_from_a_negative_column_is_refused(cpu):
    a = np.zeros((1, 4, 4))
    with pytest.raises(ValueError, match="cg_direction launched on a box from i = -1"):
        cpu.launch(KP.cg_direction, (0, 1, 0, 4, -1, 4), a, 0.5, a.copy())

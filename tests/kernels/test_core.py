"""The kernel decorators, and the compiled launch against the plain-Python body."""

import numpy as np
import pytest

from ocean.backends import get_backend
from ocean.kernels import advection as KA
from ocean.kernels import core
from ocean.kernels import momentum as KM
from ocean.kernels import vertical as KV
from ocean.kernels.core import KERNELS, Kernel, column_kernel, kernel


@pytest.fixture
def registry(monkeypatch):
    """A private KERNELS table, so kernels defined here do not leak into other tests."""
    table = dict(KERNELS)
    monkeypatch.setattr(core, "KERNELS", table)
    return table


def test_cell_kernel_index_arguments_are_checked(registry):
    before = dict(registry)
    with pytest.raises(TypeError, match=r"must start with the index arguments \('k', 'j', 'i'\)"):

        @kernel(radius=0)
        def bad(i, j, k, a):
            a[k, j, i] = 0.0

    with pytest.raises(TypeError, match=r"bad_short must start .* got \('k', 'j'\)"):

        @kernel(radius=0)
        def bad_short(k, j):
            pass

    assert registry == before, "a rejected kernel must not be registered"


def test_column_kernel_index_arguments_are_checked(registry):
    with pytest.raises(TypeError, match=r"must start with the index arguments \('j', 'i'\)"):

        @column_kernel(radius=0)
        def bad_column(k, j, i, a):
            pass

    # a cell signature is not a column signature and vice versa
    with pytest.raises(TypeError, match=r"bad_cell .*\('k', 'j', 'i'\), got \('j', 'i', 'a'\)"):

        @kernel(radius=1)
        def bad_cell(j, i, a):
            pass


def test_kernel_object_describes_its_signature(registry):
    @kernel(radius=2)
    def scaled_copy(k, j, i, src, factor, dst):
        """dst = factor src."""
        dst[k, j, i] = factor * src[k, j, i]

    @column_kernel()
    def column_sum(j, i, src, out):
        """out = sum_k src."""
        out[j, i] = 0.0
        for k in range(src.shape[0]):
            out[j, i] += src[k, j, i]

    assert isinstance(scaled_copy, Kernel)
    assert scaled_copy.arg_names == ("src", "factor", "dst")
    assert scaled_copy.index_names == ("k", "j", "i")
    assert (scaled_copy.radius, scaled_copy.column) == (2, False)
    assert scaled_copy.name == "scaled_copy" and scaled_copy.module == __name__
    assert registry[f"{__name__}.scaled_copy"] is scaled_copy
    assert column_sum.arg_names == ("src", "out")
    assert column_sum.index_names == ("j", "i")
    assert (column_sum.radius, column_sum.column) == (0, True)

    # calling the kernel object runs the body for one cell in plain Python
    src, dst, out = np.arange(8.0).reshape(2, 2, 2), np.zeros((2, 2, 2)), np.zeros((2, 2))
    scaled_copy(1, 0, 1, src, 3.0, dst)
    assert dst[1, 0, 1] == 15.0 and np.count_nonzero(dst) == 1
    column_sum(1, 0, src, out)
    assert out[1, 0] == 2.0 + 6.0 and np.count_nonzero(out) == 1


def test_library_kernels_have_the_arguments_the_model_passes():
    assert KA.tracer_advection.arg_names == (
        "t", "u", "v", "w", "maskT", "maskU", "maskV", "maskW",
        "dxt", "dyt", "dzt", "cost", "cosu", "dt", "scheme", "dt_out",
    )  # fmt: skip
    assert KM.momentum_tendency.arg_names[-2:] == ("du", "dv")
    assert KV.vertical_velocity.arg_names == (
        "u", "v", "maskW", "dxt", "dyt", "dzt", "cost", "cosu", "w",
    )  # fmt: skip
    for kn in KERNELS.values():
        assert not set(kn.index_names) & set(kn.arg_names), kn.name


def python_launch(kn, region, *args):
    """The oracle: the kernel body called cell by cell in plain Python."""
    k0, k1, j0, j1, i0, i1 = region
    for k in range(k0, k1):
        for j in range(j0, j1):
            for i in range(i0, i1):
                kn.py_func(k, j, i, *args)


def grid_metrics(rng, nz, ny, nx):
    dxt, dxu = (rng.uniform(0.5, 1.5, size=nx) for _ in range(2))
    dyt, dyu, cost, cosu = (rng.uniform(0.5, 1.5, size=ny) for _ in range(4))
    tantr = rng.normal(size=ny)
    dzt = rng.uniform(0.5, 1.5, size=nz)
    return dxt, dxu, dyt, dyu, dzt, cost, cosu, tantr


def assert_close(compiled, python):
    scale = np.abs(python).max()
    assert scale > 0
    rel = np.abs(compiled - python).max() / scale
    assert rel <= 1e-13, rel
    return rel


@pytest.mark.parametrize("scheme", [0, 1], ids=["centred", "superbee"])
def test_compiled_tracer_advection_equals_python_body(scheme):
    rng = np.random.default_rng(1 + scheme)
    nz, ny, nx = 4, 9, 10
    t, u, v, w = (rng.normal(size=(nz, ny, nx)) for _ in range(4))
    masks = [(rng.uniform(size=(nz, ny, nx)) > 0.2).astype(float) for _ in range(4)]
    dxt, _, dyt, _, dzt, cost, cosu, _ = grid_metrics(rng, nz, ny, nx)
    args = (t, u, v, w, *masks, dxt, dyt, dzt, cost, cosu, 0.3, scheme)
    region = (0, nz, 2, ny - 2, 2, nx - 2)
    compiled, python = np.zeros((nz, ny, nx)), np.zeros((nz, ny, nx))
    get_backend("cpu").launch(KA.tracer_advection, region, *args, compiled)
    python_launch(KA.tracer_advection, region, *args, python)
    assert_close(compiled, python)
    assert np.count_nonzero(compiled[:, :2]) == 0, "wrote outside the region"


def test_compiled_momentum_tendency_equals_python_body():
    rng = np.random.default_rng(7)
    nz, ny, nx = 3, 7, 8
    u, v, w, p = (rng.normal(size=(nz, ny, nx)) for _ in range(4))
    taux, tauy, cor = (rng.normal(size=(ny, nx)) for _ in range(3))
    masks = [(rng.uniform(size=(nz, ny, nx)) > 0.2).astype(float) for _ in range(3)]
    areas = [rng.uniform(0.5, 1.5, size=(ny, nx)) for _ in range(3)]
    metrics = grid_metrics(rng, nz, ny, nx)
    args = (u, v, w, p, taux, tauy, cor, *masks, *metrics, *areas, 1024.0, True, True)
    region = (0, nz, 1, ny - 1, 1, nx - 1)
    out_c = [np.zeros((nz, ny, nx)) for _ in range(2)]
    out_p = [np.zeros((nz, ny, nx)) for _ in range(2)]
    get_backend("cpu").launch(KM.momentum_tendency, region, *args, *out_c)
    python_launch(KM.momentum_tendency, region, *args, *out_p)
    for c, p_ in zip(out_c, out_p, strict=True):
        assert_close(c, p_)


def test_compiled_column_kernel_equals_python_body():
    rng = np.random.default_rng(3)
    nz, ny, nx = 5, 6, 7
    u, v = (rng.normal(size=(nz, ny, nx)) for _ in range(2))
    maskW = (rng.uniform(size=(nz, ny, nx)) > 0.2).astype(float)
    dxt, _, dyt, _, dzt, cost, cosu, _ = grid_metrics(rng, nz, ny, nx)
    args = (u, v, maskW, dxt, dyt, dzt, cost, cosu)
    compiled, python = np.zeros((nz, ny, nx)), np.zeros((nz, ny, nx))
    get_backend("cpu").launch(KV.vertical_velocity, (1, ny - 1, 1, nx - 1), *args, compiled)
    for j in range(1, ny - 1):
        for i in range(1, nx - 1):
            KV.vertical_velocity(j, i, *args, python)
    assert_close(compiled, python)


@kernel(radius=0, sweep=1)
def running_sum_up(k, j, i, src, out):
    """out[k] = src[k] + out[k - 1]: correct only if level k - 1 came first."""
    out[k, j, i] = src[k, j, i] + (out[k - 1, j, i] if k > 0 else 0.0)


@kernel(radius=0, sweep=-1)
def running_sum_down(k, j, i, src, out):
    """out[k] = src[k] + out[k + 1]: correct only if level k + 1 came first."""
    top = src.shape[0] - 1
    out[k, j, i] = src[k, j, i] + (out[min(k + 1, top), j, i] if k < top else 0.0)


@pytest.mark.parametrize("kn, flip", [(running_sum_up, False), (running_sum_down, True)])
def test_sweep_kernels_visit_levels_in_order(kn, flip):
    """Running sums through 40 levels, each level read back from the same launch: any
    other order of the levels leaves stale values in ``out`` (filled with NaN here)."""
    rng = np.random.default_rng(5)
    src = rng.integers(-100, 100, size=(40, 3, 17)).astype(float)  # exact sums
    out = np.full_like(src, np.nan)
    get_backend("cpu").launch(kn, (0, 40, 0, 3, 0, 17), src, out)
    expected = np.cumsum(src[::-1], axis=0)[::-1] if flip else np.cumsum(src, axis=0)
    assert kn.sweep == (-1 if flip else 1)
    assert np.array_equal(out, expected)


def test_sweep_direction_is_checked(registry):
    with pytest.raises(ValueError, match=r"sweep = 2; allowed are 0 .* 1 .* and -1"):

        @kernel(radius=0, sweep=2)
        def bad_sweep(k, j, i, a):
            pass


@kernel(radius=0, static=("mode",))
def select_mode(k, j, i, mode, a, out):
    """out = a (mode 0), 2 a (mode 1) or -a (any other mode)."""
    if mode == 0:
        out[k, j, i] = a[k, j, i]
    elif mode == 1:
        out[k, j, i] = 2.0 * a[k, j, i]
    else:
        out[k, j, i] = -a[k, j, i]


def test_static_arguments_get_a_launcher_per_value():
    """Each value of a static argument runs its own launcher, with the value compiled in;
    a value that is not an int or a bool is refused by name."""
    b = get_backend("cpu")
    a, out = np.arange(24.0).reshape(2, 3, 4), np.zeros((2, 3, 4))
    for mode, factor in ((0, 1.0), (1, 2.0), (np.int32(7), -1.0), (True, 2.0)):
        b.launch(select_mode, (0, 2, 0, 3, 0, 4), mode, a, out)
        assert np.array_equal(out, factor * a), mode
    assert b.static_values(select_mode, (np.int64(1), a, out)) == ("1",)
    assert b.launcher(select_mode, "launch", ("0",)) is not b.launcher(
        select_mode, "launch", ("1",)
    )
    with pytest.raises(TypeError, match="static argument mode must be an int or a bool, got 0.5"):
        b.launch(select_mode, (0, 2, 0, 3, 0, 4), 0.5, a, out)
    with pytest.raises(TypeError, match=r"static arguments \['nothing'\] are not among"):
        kernel(radius=0, static=("nothing",))(select_mode.py_func)

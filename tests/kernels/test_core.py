"""The kernel decorators and the compiled launch against the plain-Python body."""

import numpy as np
import pytest

from ocean.backends import get_backend
from ocean.kernels import advection as KA
from ocean.kernels.core import kernel


def test_index_arguments_are_checked():
    with pytest.raises(TypeError, match=r"must start with the index arguments \('k', 'j', 'i'\)"):

        @kernel(radius=0)
        def bad(i, j, k, a):
            a[k, j, i] = 0.0


def test_compiled_launch_equals_python_body():
    rng = np.random.default_rng(1)
    nz, ny, nx = 4, 9, 10
    t = rng.normal(size=(nz, ny, nx))
    u, v, w = (rng.normal(size=(nz, ny, nx)) for _ in range(3))
    ones = np.ones((nz, ny, nx))
    dxt, dyt, cost, cosu = (rng.uniform(0.5, 1.5, size=n) for n in (nx, ny, ny, ny))
    dzt = rng.uniform(0.5, 1.5, size=nz)
    args = (t, u, v, w, ones, ones, ones, ones, dxt, dyt, dzt, cost, cosu, 0.3, 1)
    compiled = np.zeros((nz, ny, nx))
    get_backend("cpu").launch(KA.tracer_advection, (0, nz, 2, ny - 2, 2, nx - 2), *args, compiled)
    python = np.zeros((nz, ny, nx))
    for k in range(nz):
        for j in range(2, ny - 2):
            for i in range(2, nx - 2):
                KA.tracer_advection.py_func(k, j, i, *args, python)
    np.testing.assert_allclose(compiled, python, rtol=1e-13, atol=1e-15)
    assert np.abs(python).max() > 0


def test_wrong_argument_count_names_the_kernel():
    with pytest.raises(TypeError, match="tracer_advection takes"):
        get_backend("cpu").launch(KA.tracer_advection, (0, 1, 0, 1, 0, 1), np.zeros(1))

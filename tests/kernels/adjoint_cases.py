"""Dot-product test cases of the hand-written adjoint kernels, shared by the CPU tests
(``test_<module>.py``) and the CUDA-simulator test (all cases in one subprocess). The
cases of ``kernels/<module>.py`` live in ``cases_<module>.py`` beside this file.

A case is a function ``(basin, rng) -> (region, args)`` registered with ``@case(kernel)``:
``basin`` is a tiny real model (spherical, an island, uneven depths and layers), so masks
and metrics are the model's own; ``args`` maps every forward argument name to a host
array or scalar at a random point. Arrays the case does not set come from ``basin.dev``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

from ocean import Model, Setup
from ocean.backends import get_backend

#: kernel qualified name -> case function
CASES: dict[str, object] = {}


def case(kernel, name=None):
    def wrap(func):
        CASES[name or f"{kernel.module}.{kernel.name}"] = (kernel, func)
        return func

    return wrap


def cases_of(module) -> list[str]:
    """Names of the cases of a kernel module (importing its ``cases_<module>.py``)."""
    importlib.import_module(f"cases_{module.__name__.rsplit('.', 1)[-1]}")
    return sorted(n for n, (kn, _) in CASES.items() if kn.module == module.__name__)


def all_cases() -> list[str]:
    """Names of every case (importing every ``cases_*.py``)."""
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        importlib.import_module(path.stem)
    return sorted(CASES)


class AdjointBasin(Setup):
    """7 x 6 x 4 cells on the sphere, periodic in x, an island and a shelf."""

    name = "adjoint_basin"

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 7, 6, 4
        s.dt_mom = s.dt_tracer = 3600.0
        s.coord_degree, s.enable_cyclic_x = True, True
        s.x_origin, s.y_origin = 0.0, -50.0

    def set_grid(self, grid):
        grid.dxt = np.full(grid.nx, 4.0)
        grid.dyt = np.linspace(3.6, 4.2, grid.ny)
        grid.dzt = np.array([300.0, 260.0, 230.0, 200.0])

    def set_coriolis(self, grid):
        _, y = grid.coords("T", halo=True)
        grid.coriolis_t = 2 * 7.29e-5 * np.sin(np.deg2rad(y))

    def set_topography(self, grid):
        kbot = np.ones((grid.ny, grid.nx), dtype=int)
        kbot[:, 0] = 2  # a shelf: one layer less
        kbot[2, 3] = 0  # an island
        kbot[4, 5] = 3
        grid.kbot = kbot

    def set_initial_conditions(self, state):
        state.set("temp", 10.0)
        state.set("salt", 35.0)


_BASIN = {}


def basin():
    """The tiny model (built once per process, CPU backend)."""
    if "model" not in _BASIN:
        _BASIN["model"] = Model(AdjointBasin(), backend=get_backend("cpu"))
    return _BASIN["model"]


def full_args(kernel, model, given: dict) -> dict:
    """``given`` completed with the model's device grid arrays (host copies)."""
    args = {}
    for name in kernel.arg_names:
        if name in given:
            args[name] = given[name]
        elif hasattr(model.dev, name):
            args[name] = np.array(model.backend.to_host(getattr(model.dev, name)))
        else:
            raise KeyError(f"case for {kernel.name} does not set argument {name!r}")
    return args


def random3(model, rng, scale=1.0):
    return scale * rng.standard_normal(model.grid.shape3)


def random2(model, rng, scale=1.0):
    return scale * rng.standard_normal(model.grid.shape2)


def run_case(name, backend, seed=0):
    """The dot-product test of case ``name`` on ``backend``: (forward, adjoint) sums."""
    from ocean.adjoint.verify import dot_product_test

    kernel, region, args = _case_point(name, seed)
    return dot_product_test(backend, kernel, region, args, seed)


def run_case_by_input(name, backend, seed=0):
    """{input: DotProduct} of case ``name``, one differentiable input at a time."""
    from ocean.adjoint.verify import dot_products_by_input

    kernel, region, args = _case_point(name, seed)
    return dot_products_by_input(backend, kernel, region, args, seed)


def _case_point(name, seed):
    kernel, func = CASES[name]
    model = basin()
    region, given = func(model, np.random.default_rng(seed))
    return kernel, region, full_args(kernel, model, given)

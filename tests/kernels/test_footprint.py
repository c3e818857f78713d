"""Kernels read no further than their declared radius (the halo width relies on it).

For each kernel the body is called in plain Python for one centre cell (column) on random
inputs. Replacing every input value whose horizontal distance (Chebyshev, in cells) from
the centre exceeds ``r`` (by other random values, or by NaN) must leave the centre's
output bit-identical; the smallest such ``r`` is the measured radius. It must not exceed
the declared radius (else the halo would be too thin), and it equals it (so the declared
radius, and with it the halo, is not wider than the stencil), except where a run-time
switch selects a narrower stencil. Each kernel also writes only at its own cell (column).

The vertical is not limited by the radius: halos are horizontal.
"""

import re

import numpy as np
import pytest

from ocean.kernels import advection as KA
from ocean.kernels import eos as KE
from ocean.kernels import friction as KF
from ocean.kernels import momentum as KM
from ocean.kernels import pressure as KP
from ocean.kernels import thickness as KTH
from ocean.kernels import tracers as KT
from ocean.kernels import vertical as KV
from ocean.kernels import vertical_friction as KVF
from ocean.kernels import viscosity as KVI
from ocean.kernels import zanna_bolton as KZB

NZ, NY, NX = 5, 9, 11
J, I = 4, 5  # the centre column; 3 rings fit on each side
MAX_R = 3

#: 1-D metrics by the axis they run along
ALONG_X = {"dxt", "dxu"}
ALONG_Z = {"dzt", "dzw", "zt"}
ALONG_Y_PATTERN = re.compile(r"^(dyt|dyu|cost|cosu|tantr|[hbc][uv]_[xy])$")
#: 2-D (j, i) fields
FIELDS_2D = {
    "coriolis_t", "taux", "tauy", "area_t", "area_u", "area_v", "kbot", "coef_e", "coef_n",
    "fs_coef", "inv_diag", "rate", "target", "flux", "rhs", "guess", "psi_old",
}  # fmt: skip
#: inputs that are positive in the model (masks, widths, coefficients): keeps sqrt and
#: divisions regular; everything else is drawn with random signs
POSITIVE = re.compile(r"^(mask|d[xyz][tuw]$|dzw|cos|area|coef|fs_coef|inv_diag|[hbc][uv]_|kappa)")

# (kernel, scalar arguments, outputs, 2-D overrides, measured radius if not the declared one)
CASES = {
    "momentum_tendency": (
        KM.momentum_tendency, dict(rho_0=1024.0, spherical=True, advect=True), ("du", "dv"),
        (), None,
    ),
    "momentum_tendency_no_advection": (
        KM.momentum_tendency, dict(rho_0=1024.0, spherical=False, advect=False), ("du", "dv"),
        (), None,
    ),
    "tracer_advection_superbee": (
        KA.tracer_advection, dict(dt=0.3, scheme=1), ("dt_out",), (), None,
    ),
    "tracer_advection_dst3": (
        KA.tracer_advection, dict(dt=0.3, scheme=2), ("dt_out",), (), None,
    ),
    "tracer_advection_dst3_limited": (
        KA.tracer_advection, dict(dt=0.3, scheme=3), ("dt_out",), (), None,
    ),
    "tracer_advection_centred": (  # the centred scheme needs only one ring
        KA.tracer_advection, dict(dt=0.3, scheme=0), ("dt_out",), (), 1,
    ),
    "explicit_friction": (
        KF.explicit_friction, dict(r_bot=0.1, r_quad_bot=0.2, biharmonic=True),
        ("du_mix", "dv_mix"), (), None,
    ),
    "biharmonic_laplacian": (
        KF.biharmonic_laplacian, {}, ("lap_u", "lap_v"), (), None,
    ),
    "tracer_explicit_step": (
        KT.tracer_explicit_step,
        dict(K_h=1.0, dt=0.5, ab_new=1.6, ab_old=0.6, sponge=True), ("t_new",), (), None,
    ),
    "tracer_explicit_step_no_diffusion": (  # without K_h the step is pointwise
        KT.tracer_explicit_step,
        dict(K_h=0.0, dt=0.5, ab_new=1.6, ab_old=0.6, sponge=True), ("t_new",), (), 0,
    ),
    "surface_pressure_operator": (
        KP.surface_pressure_operator, {}, ("out",), (), None,
    ),
    "surface_pressure_correction": (
        KP.surface_pressure_correction, dict(dt=0.1), ("u", "v"), ("psi",), None,
    ),
    "momentum_ab_step": (
        KP.momentum_ab_step, dict(dt=0.1, ab_new=1.6, ab_old=0.6), ("u_new", "v_new"), (), None,
    ),
    "vertical_mixing_coefficients": (
        KV.vertical_mixing_coefficients,
        dict(kappaM_0=1e-3, kappaH_0=1e-5, kappaH_conv=1.0, convective=True),
        ("kappaM", "kappaH"), (), None,
    ),
    "cg_step": (KP.cg_step, dict(alpha=0.7), ("x", "r", "z"), (), None),
    "cg_residual": (KP.cg_residual, {}, ("r", "z"), (), None),
    "cg_direction": (KP.cg_direction, dict(beta=0.4), ("p",), (), None),
    "subtract_constant": (KP.subtract_constant, dict(c=0.3), ("x",), (), None),
    "courant_number": (KV.courant_number, dict(dt=0.2), ("out",), (), None),
    # column kernels: the whole centre column
    "vertical_velocity": (KV.vertical_velocity, {}, ("w",), (), None),
    "implicit_vertical_friction": (
        KVF.implicit_vertical_friction, dict(dt=0.5),
        ("work_u", "work_v", "du_mix", "dv_mix"), (), None,
    ),
    "surface_pressure_rhs": (
        KP.surface_pressure_rhs, dict(dt_mom=0.5, first_guess=False), ("rhs", "guess"),
        ("psi",), None,
    ),
    "tracer_vertical_mixing": (
        KT.tracer_vertical_mixing, dict(dt=0.5), ("work", "t_new"), (), None,
    ),
    "hydrostatic_pressure": (
        KP.hydrostatic_pressure, dict(grav=9.81, rho_0=1024.0), ("p_hydro",), (), None,
    ),
    "equation_of_state": (
        KE.equation_of_state, dict(eos=1, grav=9.81, rho_0=1024.0), ("rho", "nsqr"), (), None,
    ),
    # the gm closure (plugins/thickness.py): slopes O(1) with these scalars, so the taper
    # is neither 0 nor 1
    "gm_streamfunction": (
        KTH.gm_streamfunction,
        dict(K_gm=2.0, grav=1.0, rho_0=1.0, n2_min=0.0, slope_max=1.0, slope_width=0.5),
        ("psi_x", "psi_y"), (), None,
    ),
    "gm_velocity": (KTH.gm_velocity, {}, ("u_star", "v_star", "w_star"), (), None),
    "gm_tracer_tendency": (KTH.gm_tracer_tendency, {}, ("tend",), (), None),
    # lateral stress closures (plugins/zanna_bolton.py, plugins/viscosity.py); Leith's
    # |grad zeta| at a corner reaches the neighbouring corners: radius 2
    "zb2020_stress": (
        KZB.zb2020_stress, dict(gamma=1.3), ("sxx", "sxy", "trace"), (), None,
    ),
    "smagorinsky_stress": (
        KVI.smagorinsky_stress, dict(c_smag=0.5, visc_cap=0.0),
        ("sxx", "sxy", "visc_t", "visc_q"), (), None,
    ),
    "smagorinsky_stress_capped": (  # the cap binds at some of the points
        KVI.smagorinsky_stress, dict(c_smag=0.5, visc_cap=2.0),
        ("sxx", "sxy", "visc_t", "visc_q"), (), None,
    ),
    "leith_stress": (
        KVI.leith_stress, dict(c_leith=2.0, visc_cap=0.0),
        ("sxx", "sxy", "visc_t", "visc_q"), (), None,
    ),
    "lateral_stress_divergence": (
        KVI.lateral_stress_divergence, dict(with_trace=True), ("du", "dv"), (), None,
    ),
    "lateral_stress_divergence_no_trace": (
        KVI.lateral_stress_divergence, dict(with_trace=False), ("du", "dv"), (), None,
    ),
}  # fmt: skip

#: the cell kernels of a model step: each must be covered here
STEP_CELL_KERNELS = {
    "momentum_tendency", "tracer_advection", "explicit_friction", "biharmonic_laplacian",
    "tracer_explicit_step", "surface_pressure_operator", "surface_pressure_correction",
    "momentum_ab_step", "vertical_mixing_coefficients", "cg_step", "cg_residual",
    "cg_direction", "subtract_constant",
}  # fmt: skip


def axes_of(name, flat_2d):
    """The axes ('k', 'j', 'i') an argument is indexed by, from its name."""
    if name in ALONG_X:
        return ("i",)
    if name in ALONG_Z:
        return ("k",)
    if ALONG_Y_PATTERN.match(name):
        return ("j",)
    if name in FIELDS_2D or name in flat_2d:
        return ("j", "i")
    return ("k", "j", "i")


def shape_of(axes):
    return tuple({"k": NZ, "j": NY, "i": NX}[a] for a in axes)


def draw(rng, name, shape):
    if name == "kbot":
        return rng.integers(1, NZ + 1, size=shape).astype(np.int32)
    if POSITIVE.match(name):
        return rng.uniform(0.5, 1.5, size=shape)
    return rng.normal(size=shape)


def distance(axes):
    """Horizontal Chebyshev distance of every entry from the centre column."""
    shape = shape_of(axes)
    d = np.zeros(shape, dtype=int)
    for n, a in enumerate(axes):
        if a == "k":
            continue
        centre = J if a == "j" else I
        idx = np.abs(np.arange(shape[n]) - centre).reshape(
            [-1 if m == n else 1 for m in range(len(axes))]
        )
        d = np.maximum(d, idx)
    return d


class Case:
    def __init__(self, key):
        self.kn, self.scalars, self.outputs, flat_2d, self.expected = CASES[key]
        self.arrays = [a for a in self.kn.arg_names if a not in self.scalars]
        self.axes = {a: axes_of(a, flat_2d) for a in self.arrays}
        self.dist = {a: distance(self.axes[a]) for a in self.arrays}
        assert set(self.outputs) <= set(self.arrays)
        assert set(self.scalars) <= set(self.kn.arg_names)

    def inputs(self, rng):
        return {a: draw(rng, a, shape_of(self.axes[a])) for a in self.arrays}

    def run(self, arrays, k):
        arrays = {a: v.copy() for a, v in arrays.items()}
        args = [arrays[a] if a in arrays else self.scalars[a] for a in self.kn.arg_names]
        index = (J, I) if self.kn.column else (k, J, I)
        self.kn.py_func(*index, *args)
        return arrays

    def centre(self, arrays, name, k):
        a = arrays[name]
        if self.kn.column:
            return a[..., J, I]
        return a[k, J, I] if a.ndim == 3 else a[J, I]

    def perturbed(self, base, rng, where, nan=False):
        out = {}
        for a, v in base.items():
            v = v.copy()
            sel = where(self.dist[a])
            if nan and v.dtype.kind == "f":
                v[sel] = np.nan
            else:
                v[sel] = draw(rng, a, v.shape)[sel]
            out[a] = v
        return out


def levels(case):
    return (None,) if case.kn.column else (0, NZ // 2, NZ - 1)


def same(a, b):
    return np.array_equal(a, b, equal_nan=True)


def outside_unchanged(case, base, ref, k, r, rng):
    """Does replacing every input beyond ring ``r`` leave the centre output unchanged?"""
    for trial in range(4):
        nan = trial == 3
        got = case.run(case.perturbed(base, rng, lambda d: d > r, nan=nan), k)
        for name in case.outputs:
            if not same(case.centre(got, name, k), case.centre(ref, name, k)):
                return False
    return True


def measured_radius(case, seed):
    rng = np.random.default_rng(seed)
    worst = 0
    for k in levels(case):
        base = case.inputs(rng)
        ref = case.run(base, k)
        for name in case.outputs:
            assert np.isfinite(case.centre(ref, name, k)).all(), (name, k)
        r = next(r for r in range(MAX_R + 2) if outside_unchanged(case, base, ref, k, r, rng))
        worst = max(worst, r)
    return worst


@pytest.mark.parametrize("key", sorted(CASES))
def test_reads_stay_within_the_declared_radius(key):
    case = Case(key)
    declared = case.kn.radius
    measured = max(measured_radius(case, seed) for seed in (1, 2))
    assert measured <= declared, f"{case.kn.name} reads {measured} rings, declares {declared}"
    expected = declared if case.expected is None else case.expected
    assert measured == expected, f"{case.kn.name}: measured radius {measured}, expected {expected}"


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_outermost_ring_matters(key):
    """Perturbing only the ring at the declared radius changes the centre (tight radius).

    Upwind-biased stencils read the far ring on one side only, chosen by the velocity's
    sign, so a few random draws are tried."""
    case = Case(key)
    expected = case.kn.radius if case.expected is None else case.expected
    rng = np.random.default_rng(11)
    for k in levels(case):
        base = case.inputs(rng)
        ref = case.run(base, k)
        assert any(
            not same(case.centre(got, n, k), case.centre(ref, n, k))
            for got in (
                case.run(case.perturbed(base, rng, lambda d: d == expected), k) for _ in range(5)
            )
            for n in case.outputs
        ), f"{case.kn.name} at k={k}: ring {expected} does not matter"


@pytest.mark.parametrize("key", sorted(CASES))
def test_writes_only_its_own_cell(key):
    case = Case(key)
    rng = np.random.default_rng(5)
    for k in levels(case):
        base = case.inputs(rng)
        got = case.run(base, k)
        for name in case.arrays:
            changed = np.argwhere(got[name] != base[name])
            for idx in map(tuple, changed):
                axes = case.axes[name]
                assert name in case.outputs, f"{case.kn.name} wrote its input {name} at {idx}"
                pos = dict(zip(axes, idx, strict=True))
                assert (pos.get("j"), pos.get("i")) == (J, I), (name, idx)
                if not case.kn.column and "k" in pos:
                    assert pos["k"] == k, (name, idx)


def test_every_step_cell_kernel_is_covered():
    covered = {case[0].name for case in CASES.values()}
    assert STEP_CELL_KERNELS <= covered
    assert all(not CASES[key][0].column for key in CASES if CASES[key][0].name in STEP_CELL_KERNELS)

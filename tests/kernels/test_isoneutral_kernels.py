"""Isoneutral kernels on their own: the taper's limits, the implicit K_33 solve's column
budget, and the CUDA simulator against the CPU. Parity with Veros is in
tests/compare/test_compare_isoneutral.py; conservation, variance and energy in the model
are in tests/dynamics/test_isoneutral.py."""

import textwrap

import numpy as np
import pytest
from simulator import run_in_simulator

from ocean.backends import get_backend
from ocean.dynamics.implicit import solve_vertical_diffusion
from ocean.dynamics.isoneutral import lateral_tensor
from ocean.kernels import isoneutral as KI

NZ, NY, NX = 5, 5, 6
#: float64 round-off of the tridiagonal solve relative to the column integral
ROUND_OFF = 1e-13


def test_taper_limits():
    """1 for flat slopes, 1/2 at iso_slopec, 0 far beyond; the slope is huge (so tapered
    away) where the stratification is neutral or unstable."""
    assert KI.tapered(0.0, 0.01, 0.0005) == 1.0
    assert KI.tapered(0.01, 0.01, 0.001) == 0.5
    assert KI.tapered(0.1, 0.01, 0.001) == 0.0
    inverse = KI.inverse_vertical_gradient
    assert KI.neutral_slope(1e-6, inverse(-1e-3)) == pytest.approx(1e-3)
    assert KI.tapered(KI.neutral_slope(1e-9, inverse(0.0)), 0.01, 0.001) == 0.0
    assert KI.tapered(KI.neutral_slope(1e-9, inverse(1e-3)), 0.01, 0.001) == 0.0


def random_case(seed=0, backend="cpu"):
    """The whole chain on random stratified fields: tensor, iso and skew fluxes, update and
    implicit solve. Returns the inputs and every output."""
    rng = np.random.default_rng(seed)
    shape = (NZ, NY, NX)
    dzt = rng.uniform(50.0, 200.0, NZ)
    zt = np.cumsum(dzt) - dzt.sum() - 0.5 * dzt
    dzw = np.append(zt[1:] - zt[:-1], 0.5 * dzt[-1])
    kbot = rng.integers(0, 3, (NY, NX)).astype(np.int32)
    maskT = (np.arange(NZ)[:, None, None] >= kbot - 1) & (kbot > 0)
    maskT = maskT.astype(float)
    maskU = maskT * np.roll(maskT, -1, axis=2)
    maskV = maskT * np.roll(maskT, -1, axis=1)
    maskW = maskT * np.roll(maskT, -1, axis=0)
    maskW[-1] = maskT[-1]
    temp = 10.0 + 0.01 * zt[:, None, None] + rng.normal(0.0, 0.3, shape)
    salt = 35.0 + rng.normal(0.0, 0.05, shape)
    c = {
        "temp": temp, "salt": salt, "maskT": maskT, "maskU": maskU, "maskV": maskV,
        "maskW": maskW, "dxt": rng.uniform(1e4, 2e4, NX), "dxu": rng.uniform(1e4, 2e4, NX),
        "dyt": rng.uniform(1e4, 2e4, NY), "dyu": rng.uniform(1e4, 2e4, NY), "dzt": dzt,
        "dzw": dzw, "cost": rng.uniform(0.5, 1.0, NY), "cosu": rng.uniform(0.5, 1.0, NY),
        "K_iso": rng.uniform(500.0, 1500.0, shape), "K_gm": rng.uniform(500.0, 1500.0, shape),
        "kbot": kbot,
    }  # fmt: skip
    b = get_backend(backend)
    out = {name: np.zeros(shape) for name in ("east", "north", "top")}
    out["triads"], out["diagonal"] = np.zeros((2, 4) + shape), np.zeros((3,) + shape)
    full, inner = (0, NZ, 0, NY, 0, NX), (0, NZ, 1, NY - 1, 1, NX - 1)
    gradients = tuple(np.zeros(shape) for _ in range(4))
    b.launch(
        KI.density_derivatives_at_t, full, 1, temp, salt, maskT, maskW, zt, dzw, *gradients
    )  # fmt: skip
    steepness = np.zeros((2, 4) + shape)
    lateral_tensor(
        b, KI.lateral_box(inner),
        temp, salt, gradients, c["K_iso"], maskU, maskV, c["dxu"], c["dyu"], dzt, dzw,
        c["cost"], 200.0, 0.01, 0.005, out["triads"], out["diagonal"], steepness,
    )  # fmt: skip
    b.launch(
        KI.isoneutral_tensor_top, inner,
        c["K_iso"], maskW, c["dxt"], c["dxu"], c["dyt"], c["dyu"], c["cost"], c["cosu"],
        steepness, out["diagonal"],
    )  # fmt: skip
    metrics = (c["dxt"], c["dxu"], c["dyt"], c["dyu"], dzt, c["cost"], c["cosu"])
    fluxes = (out["east"], out["north"], out["top"])
    skew_fluxes = tuple(np.zeros(shape) for _ in range(3))
    b.launch(
        KI.isoneutral_fluxes, inner,
        salt, c["K_iso"], c["K_gm"], True, out["triads"], out["diagonal"], maskW, *metrics,
        *fluxes, *skew_fluxes,
    )  # fmt: skip
    out["skew_east"], out["skew_north"], out["skew_top"] = skew_fluxes
    out["new"] = salt.copy()
    out["explicit"] = salt.copy()
    for iso, flux in ((True, fluxes), (False, skew_fluxes)):
        b.launch(
            KI.isoneutral_update, (0, NZ, 2, NY - 2, 2, NX - 2),
            *flux, maskT, c["dxt"], c["dyt"], dzt, c["cost"], 3600.0, out["new"],
        )  # fmt: skip
        if iso:
            out["explicit"] = out["new"].copy()
            delta = np.zeros(shape)
            b.launch(
                KI.isoneutral_vertical_delta, (0, NZ, 2, NY - 2, 2, NX - 2),
                out["diagonal"], dzw, 3600.0, delta,
            )  # fmt: skip
            solve_vertical_diffusion(
                b, (2, NY - 2, 2, NX - 2), kbot, dzt, delta, out["new"], np.zeros(shape),
                out["new"],
            )  # fmt: skip
            out["implicit"] = out["new"].copy()
    return c, out


@pytest.mark.parametrize("skew", [True, False])
def test_flux_pair_equals_one_launch_per_tracer(skew):
    """isoneutral_fluxes_pair gives each tracer's iso and skew fluxes bit for bit as
    isoneutral_fluxes launched for it alone."""
    c, out = random_case(seed=4)
    b = get_backend("cpu")
    shape = (NZ, NY, NX)
    inner = (0, NZ, 1, NY - 1, 1, NX - 1)
    common = (
        c["K_iso"], c["K_gm"], skew, out["triads"], out["diagonal"], c["maskW"], c["dxt"],
        c["dxu"], c["dyt"], c["dyu"], c["dzt"], c["cost"], c["cosu"],
    )  # fmt: skip
    alone = {}
    for name in ("temp", "salt"):
        alone[name] = [np.full(shape, -1.0) for _ in range(6)]
        b.launch(KI.isoneutral_fluxes, inner, c[name], *common, *alone[name])
    paired = [np.full(shape, -1.0) for _ in range(12)]
    b.launch(KI.isoneutral_fluxes_pair, inner, c["temp"], c["salt"], *common, *paired)
    for got, expected in zip(paired, alone["temp"] + alone["salt"], strict=True):
        assert np.array_equal(got, expected)
    assert np.abs(paired[0]).max() > 0.0 and np.abs(paired[6]).max() > 0.0
    assert not np.array_equal(paired[0], paired[6])


def test_implicit_solve_conserves_columns():
    """The K_33 solve moves tracer within a column: sum_k T dzt is unchanged, and it did
    change the tracer (K_33 dt / dz^2 is of order 1e-2 here)."""
    c, out = random_case(seed=3)
    columns = (slice(None), slice(2, NY - 2), slice(2, NX - 2))
    before = np.einsum("kji,k->ji", out["explicit"][columns], c["dzt"])
    after = np.einsum("kji,k->ji", out["implicit"][columns], c["dzt"])
    assert np.abs(out["implicit"] - out["explicit"]).max() > 1e-8
    assert np.abs(after - before).max() <= ROUND_OFF * np.abs(before).max()


SIMULATOR_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from test_isoneutral_kernels import random_case
    _, out = random_case(seed=4, backend="cuda")
    np.savez(sys.argv[2], **out)
    """
)


@pytest.mark.cudasim
def test_cuda_simulator_equals_cpu(tmp_path):
    pytest.importorskip("numba.cuda")
    path = tmp_path / "isoneutral.npz"
    run_in_simulator(SIMULATOR_SCRIPT, path)
    simulated, (_, cpu) = np.load(path), random_case(seed=4)
    for name, values in cpu.items():
        assert np.abs(values).max() > 0.0, name
        assert np.allclose(simulated[name], values, rtol=1e-13, atol=0.0), name

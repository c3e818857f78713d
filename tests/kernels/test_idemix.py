"""IDEMIX kernels against conservation and limits (parity with Veros is in
tests/compare/test_compare_idemix.py), and in the CUDA simulator."""

import math
import textwrap

import numpy as np
import pytest
from simulator import run_in_simulator

from ocean.backends import get_backend
from ocean.dynamics.internal_waves import idemix_vertical_step
from ocean.kernels import idemix as KI

NZ, NY, NX = 10, 3, 4
#: round-off of the implicit solve relative to the column integral (off-diagonals ~1e3)
ROUND_OFF = 1e-12


def vertical_step(kbot, alpha_scale, seed=0, backend="cpu"):
    rng = np.random.default_rng(seed)
    dzt = rng.uniform(20.0, 300.0, NZ)
    zt = np.cumsum(dzt) - dzt.sum() - 0.5 * dzt
    dzw = np.append(zt[1:] - zt[:-1], dzt[-1])
    shape = (NZ, NY, NX)
    given = {
        "energy": rng.uniform(0.0, 1e-3, shape), "forcing": rng.uniform(0.0, 1e-9, shape),
        "forc_iw_bottom": np.full((NY, NX), 1e-6), "forc_iw_surface": np.full((NY, NX), 1e-7),
        "c0": rng.uniform(0.0, 0.1, shape), "alpha_c": alpha_scale * rng.random(shape),
        "kbot": np.full((NY, NX), kbot, dtype=np.int32), "dzt": dzt, "dzw": dzw,
        "dt": 43200.0, "tau_v": 2 * 86400.0, "work": np.zeros(shape),
        "energy_new": np.full(shape, -5.0), "iw_diss": np.zeros(shape),
    }  # fmt: skip
    idemix_vertical_step(get_backend(backend), (0, NY, 0, NX), *given.values())
    return given


@pytest.mark.parametrize("kbot", [1, 4, NZ - 1])
def test_vertical_step_conserves_energy_plus_sources(kbot):
    """sum_k (E^{n+1} - E^n) dz_k = dt (sum_k forcing dz_k + bottom + surface flux -
    sum_k iw_diss dz_k), dz = dzw with half the top box; dry levels are left alone."""
    run = vertical_step(kbot, alpha_scale=1e-3, seed=kbot)
    k0 = kbot - 1
    thickness = run["dzw"].copy()
    thickness[-1] *= 0.5

    def column(values):
        return np.einsum("kji,k->ji", values[k0:], thickness[k0:])

    change = column(run["energy_new"] - run["energy"])
    fluxes = run["forc_iw_bottom"] + run["forc_iw_surface"]
    expected = run["dt"] * (column(run["forcing"]) + fluxes - column(run["iw_diss"]))
    assert np.max(column(run["iw_diss"])) > 0.0
    scale = np.max(column(np.abs(run["energy_new"])))
    assert np.max(np.abs(change - expected)) <= ROUND_OFF * scale
    assert np.all(run["energy_new"][:k0] == -5.0)


def test_group_velocity_shapes():
    """h(x) = 0 for x <= 1 (no lateral propagation where N <= |f|) and h, g > 0 above;
    g is evaluated at max(3, x)."""
    for x in (0.0, 0.5, 1.0):
        assert KI.group_shapes(x)[1] == 0.0
    for x in (1.5, 10.0, 1e3):
        assert KI.group_shapes(x)[1] > 0.0
    assert KI.group_shapes(0.1)[0] == KI.group_shapes(3.0)[0] == KI.vertical_group_shape(3.0)
    assert KI.group_shapes(3.0)[0] > 0.0


def reference_shapes(x):
    """g(x) and h(x) with the C library's arcsine, power and exponential."""
    xp = max(3.0, x)
    factor = 2.0 / math.pi / (1.0 - 2.0 / math.pi * math.asin(1.0 / xp))
    vertical = factor * 0.9 * xp ** (-2.0 / 3.0) * (1.0 - math.exp(-xp / 4.3))
    if x <= 1.0:
        return vertical, 0.0
    factor = 2.0 / math.pi / (1.0 - 2.0 / math.pi * math.asin(1.0 / x))
    return vertical, factor * (x - 1.0) / (x + 1.0)


def test_group_velocity_shapes_match_the_library():
    """g and h in arithmetic alone (``kernels/elementary.py``) against the C library's
    functions over N/|f| from 0 to 1e30: within 2e-13 relative (the power's 1e-13 bound),
    and the branches meet at x = 1 and x = 3."""
    xs = np.concatenate([np.linspace(0.0, 5.0, 5001), np.geomspace(5.0, 1e30, 5000)])
    for x in xs:
        ours, theirs = KI.group_shapes(x), reference_shapes(x)
        for a, b in zip(ours, theirs, strict=True):
            assert abs(a - b) <= 2e-13 * abs(b), (x, a, b)


SIMULATOR_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from test_idemix import vertical_step
    run = vertical_step(4, 1e-3, seed=7, backend="cuda")
    np.savez(sys.argv[2], energy_new=run["energy_new"], iw_diss=run["iw_diss"])
    """
)


@pytest.mark.cudasim
def test_cuda_simulator_equals_cpu(tmp_path):
    pytest.importorskip("numba.cuda")
    path = tmp_path / "idemix.npz"
    run_in_simulator(SIMULATOR_SCRIPT, path)
    simulated, cpu = np.load(path), vertical_step(4, 1e-3, seed=7)
    for name in ("energy_new", "iw_diss"):
        assert np.allclose(simulated[name], cpu[name], rtol=1e-13, atol=0.0), name

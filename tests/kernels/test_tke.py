"""TKE kernels against conservation and closed-form solutions (parity with Veros is in
tests/compare/test_compare_tke.py)."""

import textwrap
from math import sqrt

import numpy as np
import pytest
from simulator import run_in_simulator

from ocean.backends import get_backend
from ocean.dynamics.turbulence import bryan_lewis_profile, tke_diffusivities, tke_vertical_step
from ocean.kernels import tke as KTKE

NZ, NY, NX = 12, 4, 5
#: float64 round-off of a tridiagonal solve and sums over a dozen levels
ROUND_OFF = 1e-13


def column_grid(rng):
    dzt = rng.uniform(10.0, 200.0, NZ)
    zw = np.cumsum(dzt) - dzt.sum()
    zt = zw - 0.5 * dzt
    dzw = np.append(zt[1:] - zt[:-1], 0.5 * dzt[-1] * 2.0)  # top: 2 x its half box
    return dzt, dzw


def vertical_step(
    rng, kbot, forcing_scale=0.0, surface=0.0, c_eps=0.7, kappa_scale=1e-2, backend="cpu"
):
    dzt, dzw = column_grid(rng)
    shape = (NZ, NY, NX)
    tke = rng.uniform(1e-5, 1e-3, shape)
    out = {
        "tke": tke, "production": forcing_scale * rng.random(shape),
        "transfer": forcing_scale * rng.random(shape), "sink": forcing_scale * rng.random(shape),
        "surface_flux": np.full((NY, NX), surface), "kappaM": kappa_scale * rng.random(shape),
        "sqrttke": np.sqrt(tke), "mxl": rng.uniform(1.0, 50.0, shape),
        "kbot": np.full((NY, NX), kbot, dtype=np.int32), "dzt": dzt, "dzw": dzw, "dt": 3600.0,
        "alpha_tke": 30.0, "c_eps": c_eps, "work": np.zeros(shape),
        "tke_new": np.full(shape, -7.0), "dissipation": np.zeros(shape),
        "surface_correction": np.zeros((NY, NX)),
    }  # fmt: skip
    tke_vertical_step(get_backend(backend), (0, NY, 0, NX), *out.values())
    return out


def column_energy(values, dzw, k0):
    """Sum of E times the W box thickness from level k0 up; the top box is half as thick."""
    thickness = dzw.copy()
    thickness[-1] *= 0.5
    return np.einsum("kji,k->ji", values[k0:], thickness[k0:])


@pytest.mark.parametrize("kbot", [1, 5, NZ])
def test_vertical_diffusion_conserves_energy_plus_surface_flux(kbot):
    """Without dissipation and with positive E: the column integral changes only by
    dt (forcing integral + surface flux); the solve sees no flux through the bottom."""
    rng = np.random.default_rng(kbot)
    run = vertical_step(rng, kbot, forcing_scale=1e-9, surface=2e-7, c_eps=0.0)
    k0 = kbot - 1
    before = column_energy(run["tke"], run["dzw"], k0)
    after = column_energy(run["tke_new"], run["dzw"], k0)
    forcing = run["production"] + run["transfer"] - run["sink"]
    added = run["dt"] * (column_energy(forcing, run["dzw"], k0) + run["surface_flux"])
    assert np.all(run["tke_new"][k0:] > 0.0)
    assert np.allclose(after, before + added, rtol=ROUND_OFF, atol=0.0)
    assert np.all(run["tke_new"][:k0] == -7.0)  # dry levels below the bottom untouched
    assert np.all(run["surface_correction"] == 0.0)


def test_dissipation_alone_is_the_linearised_decay():
    """kappaM = 0 decouples the levels: E1 = (E0 + dt F) / (1 + dt c_eps sqrt(E0)/L), and
    the dissipation output is c_eps sqrt(E0)/L E1."""
    rng = np.random.default_rng(3)
    run = vertical_step(rng, kbot=1, forcing_scale=1e-9, kappa_scale=0.0)
    rate = run["c_eps"] * run["sqrttke"] / run["mxl"]
    forcing = run["production"] + run["transfer"] - run["sink"]
    expected = (run["tke"] + run["dt"] * forcing) / (1.0 + run["dt"] * rate)
    assert np.allclose(run["tke_new"], expected, rtol=ROUND_OFF, atol=0.0)
    assert np.allclose(run["dissipation"], rate * run["tke_new"], rtol=ROUND_OFF, atol=0.0)


def test_negative_surface_energy_is_clipped_and_recorded():
    """A surface flux that drains the top box below zero: E_top = 0 afterwards and the
    correction is the energy that took, -E_top dzw/2 / dt [m3 s-3]."""
    rng = np.random.default_rng(4)
    run = vertical_step(rng, kbot=1, surface=-1e-3, kappa_scale=0.0, c_eps=0.0)
    top_box = 0.5 * run["dzw"][-1]
    unclipped = run["tke"][-1] + run["dt"] * run["surface_flux"] / top_box
    assert np.all(unclipped < 0.0)  # the case under test
    assert np.all(run["tke_new"][-1] == 0.0)
    expected = -unclipped * top_box / run["dt"]
    assert np.allclose(run["surface_correction"], expected, rtol=ROUND_OFF, atol=0.0)


def diffusivities(rng, mxl_choice, backend="cpu", **settings):
    dzt, dzw = column_grid(rng)
    zw = np.cumsum(dzt) - dzt.sum()
    shape = (NZ, NY, NX)
    given = {
        "tke": rng.uniform(0.0, 1e-3, shape), "nsqr": rng.normal(1e-6, 2e-6, shape),
        "K_diss_v": rng.uniform(0.0, 1e-8, shape), "maskW": np.ones(shape), "zw": zw,
        "dzw": dzw, "dzt": dzt, "ht": np.full((NY, NX), dzt.sum()), "mxl_choice": mxl_choice,
        "mxl_min": 1e-8, "c_k": 0.1, "kappaM_min": 2e-4, "kappaM_max": 100.0,
        "kappaH_min": 2e-5, "prandtl_from_richardson": True, "prandtl_0": 10.0,
        "kappaH_profile": False, "idemix": False, "alpha_c": np.zeros(shape),
        "E_iw": np.zeros(shape),
    }  # fmt: skip
    given.update(settings)
    outputs = {n: np.zeros(shape) for n in ("sqrttke", "mxl", "kappaM", "kappaH", "prandtl")}
    arguments = dict(given)
    arguments["kappaH_profile"] = np.array(bryan_lewis_profile(zw, given["kappaH_profile"]))
    tke_diffusivities(
        get_backend(backend), (0, NZ, 0, NY, 0, NX), *arguments.values(), *outputs.values()
    )
    return given, outputs


def test_mixing_length_rule_two_bounds_changes_by_the_level_spacing():
    """Rule 2: a downward sweep (L_k <= L_{k+1} + dzt_{k+1}), the top bound (L_top <=
    mxl_min + dzt_top) and an upward sweep (L_k <= L_{k-1} + dzt_k). The upward bound
    holds everywhere; the downward one everywhere below the top pair, whose upper level the
    top bound may lower after the downward sweep."""
    given, out = diffusivities(np.random.default_rng(5), mxl_choice=2)
    mxl, dzt = out["mxl"], given["dzt"][:, None, None]
    # (L + dz) - L rounds to within a few ulp of L: 1e-12 m
    assert np.all(mxl[1:] - mxl[:-1] <= dzt[1:] + 1e-12)
    assert np.all(mxl[:-2] - mxl[1:-1] <= dzt[1:-1] + 1e-12)
    assert np.any(mxl[1:] - mxl[:-1] >= 0.999 * dzt[1:])  # the bound was active
    assert np.all(mxl[-1] <= given["mxl_min"] + dzt[-1])
    unbounded = sqrt(2.0) * np.sqrt(given["tke"]) / np.sqrt(np.maximum(1e-12, given["nsqr"]))
    assert np.all(mxl <= np.maximum(unbounded, given["mxl_min"]))


def test_coefficients_follow_the_closure():
    """Rule 1: L within the distances to surface and bottom; kappaM = max(min, c_k L
    sqrt(E)); Pr in [1, 10]; kappaH = max(kappaH_min, kappaM_raw / Pr)."""
    given, out = diffusivities(np.random.default_rng(6), mxl_choice=1)
    zw, dzw = given["zw"][:, None, None], given["dzw"][:, None, None]
    assert np.all(out["mxl"] <= np.maximum(-zw + 0.5 * dzw, given["mxl_min"]))
    assert np.all(out["mxl"] <= np.maximum(given["ht"] + zw, given["mxl_min"]))
    raw = np.minimum(given["kappaM_max"], given["c_k"] * out["mxl"] * np.sqrt(given["tke"]))
    assert np.allclose(out["kappaM"], np.maximum(given["kappaM_min"], raw), rtol=ROUND_OFF)
    assert np.all((out["prandtl"] >= 1.0) & (out["prandtl"] <= 10.0))
    assert np.any(out["prandtl"] > 1.0) and np.any(out["prandtl"] < 10.0)
    kappaH = np.maximum(given["kappaH_min"], raw / out["prandtl"])
    assert np.allclose(out["kappaH"], kappaH, rtol=ROUND_OFF)


def lateral_diffusion(rng, backend="cpu"):
    """One step of lateral diffusion in a periodic channel with walls south and north:
    (E before, E after, area of the T cells), all on the interior."""
    nz, ny, nx, h = 3, 8, 10, 1
    shape = (nz, ny + 2 * h, nx + 2 * h)
    tke = rng.uniform(0.0, 1e-3, shape)
    tke[:, :, :h], tke[:, :, -h:] = tke[:, :, -2 * h : -h], tke[:, :, h : 2 * h]  # periodic x
    mask = np.ones(shape)
    mask[:, :h], mask[:, -h:] = 0.0, 0.0
    mask_v = mask * np.roll(mask, -1, axis=1)
    dxt = np.full(nx + 2 * h, 5e4)
    dyt = np.full(ny + 2 * h, 4e4)
    cost = np.cos(np.deg2rad(np.linspace(-50, -30, ny + 2 * h)))
    new = tke.copy()
    get_backend(backend).launch(
        KTKE.tke_lateral_diffusion, (0, nz, h, h + ny, h, h + nx),
        tke, mask, mask_v, mask, dxt, dxt, dyt, dyt, cost, cost, 2000.0, 3600.0, new,
    )  # fmt: skip
    area = (cost[:, None] * dyt[:, None] * dxt[None, :])[h:-h, h:-h]
    return tke[:, h:-h, h:-h], new[:, h:-h, h:-h], area


def test_lateral_diffusion_conserves_energy_in_a_periodic_channel():
    """Fluxes cancel pairwise: the area-weighted sum of E over the wet interior is kept."""
    before, after, area = lateral_diffusion(np.random.default_rng(8))
    assert not np.allclose(after, before)  # it diffused
    assert np.sum(after * area) == pytest.approx(np.sum(before * area), rel=ROUND_OFF)


def all_outputs(backend):
    """Every output of the three kernels on this file's cases, by name."""
    out = {}
    for kbot in (1, 5, NZ):
        run = vertical_step(np.random.default_rng(kbot), kbot, 1e-9, -1e-4, backend=backend)
        for name in ("tke_new", "dissipation", "surface_correction"):
            out[f"vertical_{kbot}_{name}"] = run[name]
    for choice in (1, 2):
        _, coefficients = diffusivities(np.random.default_rng(choice), choice, backend)
        out.update({f"coefficients_{choice}_{n}": v for n, v in coefficients.items()})
    out["lateral"] = lateral_diffusion(np.random.default_rng(8), backend)[1]
    return out


SIMULATOR_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from test_tke import all_outputs
    np.savez(sys.argv[2], **all_outputs("cuda"))
    """
)


@pytest.mark.cudasim
def test_kernels_in_cuda_simulator_equal_cpu(tmp_path):
    """The same source in numba-cuda's simulator: the same operations in the same order,
    so the CPU's result to 1e-13 relative (a contracted multiply-add)."""
    pytest.importorskip("numba.cuda")
    path = tmp_path / "cudasim.npz"
    run_in_simulator(SIMULATOR_SCRIPT, path)
    simulated, cpu = np.load(path), all_outputs("cpu")
    assert sorted(simulated.files) == sorted(cpu)
    for name, values in cpu.items():
        assert np.allclose(simulated[name], values, rtol=1e-13, atol=0.0), name

"""Advection of W-point quantities (kernels/wgrid_advection.py): flux form conserves the
volume integral, and the CUDA simulator gives the CPU's numbers. Parity with Veros is in
tests/compare/test_compare_wgrid_advection.py."""

import textwrap

import numpy as np
import pytest
from simulator import run_in_simulator

from ocean.backends import get_backend
from ocean.kernels import wgrid_advection as KW

NZ, NY, NX, H = 4, 5, 8, 2  # NX a multiple of the shelf pattern (periodic)
#: float64 round-off of sums over a few hundred fluxes of magnitude ~1e-4
ROUND_OFF = 1e-13


def advect(superbee, seed, backend="cpu"):
    """One advection step of random E by a random flow in a zonally periodic channel with
    walls south and north and a deep basin with a shallow shelf (kbot 1 or 3).
    Returns (E, tendency, W-box volumes)."""
    rng = np.random.default_rng(seed)
    shape = (NZ, NY + 2 * H, NX + 2 * H)
    kbot = np.where(np.arange(NX + 2 * H)[None, :] % 4 == 0, 3, 1) * np.ones((NY + 2 * H, 1))
    kbot[:H], kbot[-H:] = 0, 0
    levels = np.arange(NZ)[:, None, None]
    mask_t = ((kbot > 0) & (levels >= kbot - 1)).astype(float)
    mask_w = mask_t.copy()
    mask_w[:-1] = mask_t[:-1] * mask_t[1:]
    mask_u = mask_t * np.roll(mask_t, -1, axis=2)
    mask_v = mask_t * np.roll(mask_t, -1, axis=1)
    dzt = rng.uniform(20.0, 200.0, NZ)
    zt = np.cumsum(dzt) - dzt.sum() - 0.5 * dzt
    dzw = np.append(zt[1:] - zt[:-1], 0.5 * dzt[-1] * 2.0)
    dxt, dyt = np.full(NX + 2 * H, 5e4), np.full(NY + 2 * H, 4e4)
    cost = np.cos(np.deg2rad(np.linspace(-50, -30, NY + 2 * H)))
    u = rng.normal(0.0, 0.2, shape) * mask_u
    v = rng.normal(0.0, 0.2, shape) * mask_v
    e = rng.uniform(0.0, 1e-3, shape) * mask_w

    def periodic(a):
        a[..., :H], a[..., -H:] = a[..., -2 * H : -H], a[..., H : 2 * H]

    for a in (u, v, e):
        periodic(a)
    b = get_backend(backend)
    u_w, v_w, w_w = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    b.launch(KW.velocity_on_wgrid, (0, NZ, H - 1, H + NY + 1, H - 1, H + NX + 1),
             u, v, mask_u, mask_v, mask_w, dzt, dzw, u_w, v_w)  # fmt: skip
    b.launch(KW.vertical_velocity_on_wgrid, (H, H + NY, H, H + NX),
             u_w, v_w, dxt, dyt, dzw, cost, cost, w_w)  # fmt: skip
    tendency, new = np.zeros(shape), np.zeros(shape)
    b.launch(
        KW.wgrid_advection_step, (0, NZ, H, H + NY, H, H + NX),
        e, u_w, v_w, w_w, mask_w, dxt, dyt, dzw, cost, cost, 3600.0, superbee, 1.6, 0.6,
        tendency, np.zeros(shape), new,
    )  # fmt: skip
    thickness = dzw.copy()
    thickness[-1] *= 0.5
    volume = thickness[:, None, None] * (cost[:, None] * dyt[:, None] * dxt[None, :])[None]
    inside = (slice(None), slice(H, -H), slice(H, -H))
    return e[inside], tendency[inside], volume[inside]


@pytest.mark.parametrize("superbee", [True, False])
def test_flux_form_conserves_the_volume_integral(superbee):
    e, tendency, volume = advect(superbee, seed=3)
    scale = np.sum(np.abs(tendency) * volume)
    assert scale > 0.0
    assert abs(np.sum(tendency * volume)) <= ROUND_OFF * scale


SIMULATOR_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from test_wgrid_advection import advect
    np.savez(sys.argv[2], superbee=advect(True, 5, "cuda")[1], upwind=advect(False, 5, "cuda")[1])
    """
)


@pytest.mark.cudasim
def test_cuda_simulator_equals_cpu(tmp_path):
    pytest.importorskip("numba.cuda")
    path = tmp_path / "wgrid.npz"
    run_in_simulator(SIMULATOR_SCRIPT, path)
    simulated = np.load(path)
    for name, superbee in (("superbee", True), ("upwind", False)):
        cpu = advect(superbee, 5)[1]
        assert np.allclose(simulated[name], cpu, rtol=1e-13, atol=0.0), name

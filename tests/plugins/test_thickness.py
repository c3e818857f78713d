"""The ``gm`` closure (plugins/thickness.py, kernels/thickness.py): Gent & McWilliams
eddy-induced advection conserves every tracer's content to round-off, its velocity is
non-divergent to round-off, it releases potential energy and flattens isopycnals, it does
nothing to flat isopycnals, and it runs by name on the ACC example.

Measured on the Front basin (8 x 12 x 6, K_gm = 1000 m2 s-1, half-day steps): content
change relative to sum(|tendency| dV) 0, 4.8e-15, 4.3e-17 (temp, salt, dye; asserted
1e-13); divergence of (u*, v*, w*) 6e-17 of its terms (asserted 1e-13); over 10 steps PE
falls every step (by 8.1e13 J in the first) and the rms slope goes 1.78e-3 -> 1.33e-3,
the steepest 4.05e-3 -> 3.93e-3."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ocean import Model, Setup
from ocean.kernels import thickness as KT
from ocean.plugins.thickness import GentMcWilliams

NX, NY, NZ = 8, 12, 6
DZT = np.linspace(150.0, 60.0, NZ)  # bottom to top


class Front(Setup):
    """A closed basin with a ridge and an island; a tilted front: temp falls with y and
    with depth, salt rises with y (both make the north denser); a passive dye."""

    def __init__(self, flat=False, dt=43200.0, **settings):
        self.flat, self.dt, self.extra = flat, dt, settings

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = NX, NY, NZ
        s.dt_mom = s.dt_tracer = self.dt
        s.prescribed_velocity = True  # u = v = w = 0: only GM moves the tracers
        s.A_h = s.A_hbi = s.K_h = s.kappaH_0 = s.kappaM_0 = 0.0
        s.enable_convective_mixing = False
        s.eq_of_state = "linear"
        s.tracer_advection = "centred"
        s.passive_tracers = ("dye",)
        s.gm_diffusivity = 1000.0
        s.gm_slope_max = 0.01
        for name, value in self.extra.items():
            setattr(s, name, value)

    def set_grid(self, grid):
        grid.dxt, grid.dyt = np.full(NX, 2e4), np.full(NY, 2.5e4)
        grid.dzt = DZT

    def set_coriolis(self, grid):
        grid.coriolis_t = np.full(grid.shape2, 1e-4)

    def set_topography(self, grid):
        kbot = np.ones((NY, NX), dtype=int)
        kbot[:, 5] = 3  # a ridge
        kbot[7:9, 2:4] = 0  # an island
        kbot[0, :] = 2  # a shelf
        grid.kbot = kbot

    def set_initial_conditions(self, state):
        g = state.grid
        x, y = g.coords("T")
        z = g.zt[:, None, None]
        front = np.tanh((y - 1.5e5) / 6e4) + 0.2 * np.sin(2 * np.pi * x / 1.6e5)
        if self.flat:
            front = 0.0 * front
        state.set("temp", 12.0 + 0.01 * z - 2.0 * front[None])
        state.set("salt", 35.0 + 0.1 * front[None])
        state.set("dye", np.exp(-(((x - 8e4) / 4e4) ** 2))[None])


def gm_model(setup=None, by_name=False, backend="cpu", **settings):
    """A model with the gm closure, selected by name or given as the class."""
    if by_name:
        model = Model(setup, backend=backend, settings={"closures": ("gm",), **settings})
    else:
        model = Model(
            setup or Front(), backend=backend, settings=settings, closures=[GentMcWilliams]
        )
    (gm,) = model.closures.closures
    assert isinstance(gm, GentMcWilliams)
    return model, gm


def volume(model):
    g = model.grid
    return g.maskT * g.dzt[:, None, None] * g.area_t[None]


def interior(model, arr):
    return model.backend.to_host(arr)[(slice(None),) + model.grid.interior]


def test_tendency_conserves_every_tracer():
    model, gm = gm_model()
    tend = gm(model.closures.view)
    assert set(tend) == {"temp", "salt", "dye"}
    dv = interior(model, volume(model))
    for name in ("temp", "salt", "dye"):
        t = interior(model, tend[name]) * dv
        scale = np.abs(t).sum()
        assert scale > 0, name  # the front is being flattened
        assert abs(t.sum()) <= 1e-13 * scale, (name, t.sum() / scale)
    assert np.isfinite(interior(model, tend["temp"])).all()


def test_uniform_tracer_has_no_tendency():
    model, gm = gm_model()
    g, d, b = model.grid, model.dev, model.backend
    u, v, w = (b.to_host(a) for a in gm.velocities(model.closures.view))
    const, out = b.zeros(g.shape3) + 7.0, b.zeros(g.shape3)
    b.launch(
        KT.gm_tracer_tendency, g.box(),
        const, gm.psi_x, gm.psi_y, d.maskT, d.dxt, d.dyt, d.dzt, d.cost, d.cosu, out,
    )  # fmt: skip
    rate = np.abs(u).max() / g.dxt_m.min() + np.abs(v).max() / g.dyt_m.min()
    rate += np.abs(w).max() / g.dzt.min()
    assert rate > 0
    assert np.abs(interior(model, out)).max() <= 1e-13 * 7.0 * rate


def test_eddy_velocity_is_non_divergent():
    model, gm = gm_model()
    g = model.grid
    u, v, w = (model.backend.to_host(a) for a in gm.velocities(model.closures.view))
    h, ny, nx = g.h, g.ny, g.nx
    J, I = slice(h, h + ny), slice(h, h + nx)
    Jm, Im = slice(h - 1, h + ny - 1), slice(h - 1, h + nx - 1)
    cost, cosu = g.cost[J, None], g.cosu
    dx = g.dxt_m[None, None, I] * cost
    dy = g.dyt_m[None, J, None] * cost
    div_x = (u[:, J, I] - u[:, J, Im]) / dx
    div_y = (cosu[None, J, None] * v[:, J, I] - cosu[None, Jm, None] * v[:, Jm, I]) / dy
    w_below = np.concatenate([np.zeros((1, ny, nx)), w[:-1, J, I]])
    div_z = (w[:, J, I] - w_below) / g.dzt[:, None, None]
    div = (div_x + div_y + div_z) * g.maskT[:, J, I]
    scale = np.abs(div_x).max() + np.abs(div_y).max() + np.abs(div_z).max()
    assert scale > 0
    assert np.abs(div).max() <= 1e-13 * scale, np.abs(div).max() / scale
    # no flow through the surface, the bottom or the coasts
    assert np.all(w[-1, J, I] == 0.0)
    assert np.all(u[:, J, I][g.maskU[:, J, I] == 0] == 0.0)
    assert np.all(v[:, J, I][g.maskV[:, J, I] == 0] == 0.0)
    wet_below = np.concatenate([np.zeros((1, ny, nx)), g.maskT[:-1, J, I]])
    assert np.all(w_below[(g.maskT[:, J, I] == 1) & (wet_below == 0)] == 0.0)


def slopes(model):
    """|S| = |grad_h rho / rho_z| at every face and W level where the four T cells are wet
    and the column is stable (numpy, from the model's rho at tau)."""
    g = model.grid
    rho = model.state.get("rho", halo=True)
    m = g.maskT
    rho_z = (rho[1:] - rho[:-1]) / g.dzw[:-1, None, None]  # W levels 0..nz-2
    out = []
    for axis, dist in ((2, g.dxu_m[None, None, :-1]), (1, g.dyu_m[None, :-1, None])):
        sl = [slice(None)] * 3
        lo, hi = list(sl), list(sl)
        lo[axis], hi[axis] = slice(None, -1), slice(1, None)
        lo, hi = tuple(lo), tuple(hi)
        grad = rho[hi] - rho[lo]
        grad = 0.5 * (grad[1:] + grad[:-1]) / dist
        dz = 0.5 * (rho_z[hi] + rho_z[lo])
        wet = (m[hi] * m[lo])[1:] * (m[hi] * m[lo])[:-1] * (dz < 0)
        out.append(np.abs(grad / np.where(wet > 0, dz, -1.0))[wet > 0])
    return np.concatenate(out)


def potential_energy(model):
    g = model.grid
    rho = model.state.get("rho", halo=True)
    return (rho * model.settings.grav * g.zt[:, None, None] * volume(model)).sum()


def test_gm_releases_potential_energy_and_flattens_isopycnals():
    model, _ = gm_model()
    pe, rms, steepest = [potential_energy(model)], [], []
    s = slopes(model)
    rms.append(np.sqrt(np.mean(s**2)))
    steepest.append(s.max())
    heat0 = (model.state.get("temp", halo=True) * volume(model)).sum()
    for _ in range(10):
        model.step()
        pe.append(potential_energy(model))
        s = slopes(model)
        rms.append(np.sqrt(np.mean(s**2)))
        steepest.append(s.max())
    pe, rms = np.array(pe), np.array(rms)
    assert np.all(np.diff(pe) < 0), np.diff(pe)
    assert np.all(np.diff(rms) < 0), rms
    assert np.all(np.diff(steepest) < 0), steepest
    assert rms[-1] < 0.9 * rms[0], rms  # a clear change, not round-off
    heat = (model.state.get("temp", halo=True) * volume(model)).sum()
    assert abs(heat / heat0 - 1) < 1e-13


def test_flat_isopycnals_give_no_tendency():
    model, gm = gm_model(Front(flat=True))
    tend = gm(model.closures.view)
    for name, arr in tend.items():
        assert np.all(model.backend.to_host(arr) == 0.0), name
    assert np.all(model.backend.to_host(gm.psi_x) == 0.0)
    dye0 = model.state.get("dye") * model.grid.maskT[(slice(None),) + model.grid.interior]
    model.run(3)
    assert np.array_equal(model.state.get("dye"), dye0)


def test_slope_max_zero_turns_gm_off():
    model, gm = gm_model(gm_slope_max=0.0)
    tend = gm(model.closures.view)
    assert all(np.all(model.backend.to_host(a) == 0.0) for a in tend.values())


def test_gm_by_name_on_the_acc_example(example_setup):
    model, gm = gm_model(example_setup("acc")(), by_name=True)
    assert gm.outputs == ("temp", "salt")
    model.run(3)
    for name in ("temp", "salt", "u"):
        assert np.isfinite(model.state.get(name)).all(), name
    tend = gm(model.closures.view)  # surface restoring has tilted the isopycnals
    assert np.abs(interior(model, gm.psi_x)).max() + np.abs(interior(model, gm.psi_y)).max() > 0
    assert np.abs(interior(model, tend["temp"])).max() > 0
    dv = interior(model, volume(model))
    t = interior(model, tend["temp"]) * dv
    assert abs(t.sum()) <= 1e-13 * np.abs(t).sum()


def test_declared_inputs_outputs_and_halo():
    _, gm = gm_model()
    assert gm.inputs == ("rho", "Nsqr", "temp", "salt", "dye")
    assert gm.outputs == ("temp", "salt", "dye")
    assert gm.halo == 1 == max(KT.gm_streamfunction.radius, KT.gm_tracer_tendency.radius)


CUDA_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import test_thickness as T
    model, gm = T.gm_model(backend="cuda")
    assert model.backend.name == "cuda" and model.backend.simulated
    out = {name: model.backend.to_host(a) for name, a in gm(model.closures.view).items()}
    u, v, w = gm.velocities(model.closures.view)
    out.update(u=model.backend.to_host(u), v=model.backend.to_host(v), w=model.backend.to_host(w))
    np.savez(sys.argv[2], **out)
    """
)


@pytest.mark.cudasim
def test_cpu_equals_cuda_simulator(tmp_path):
    """The same kernels in numba-cuda's simulator (8 x 12 x 6 cells: ~3 s)."""
    out = tmp_path / "cuda.npz"
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    here = Path(__file__).resolve().parent
    res = subprocess.run(
        [sys.executable, "-c", CUDA_SCRIPT, str(here), str(out)],
        capture_output=True, text=True, env=env, timeout=600, cwd=here.parents[1],
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    cuda = np.load(out)
    model, gm = gm_model()
    cpu = {name: model.backend.to_host(a) for name, a in gm(model.closures.view).items()}
    cpu.update(zip("uvw", gm.velocities(model.closures.view), strict=True))
    for name, a in cpu.items():
        a, b = interior(model, a), cuda[name][(slice(None),) + model.grid.interior]
        scale = np.abs(a).max()
        assert scale > 0, name
        assert np.abs(a - b).max() <= 1e-13 * scale, (name, np.abs(a - b).max() / scale)

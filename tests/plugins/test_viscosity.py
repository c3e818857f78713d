"""The ``smagorinsky`` and ``leith`` closures (plugins/viscosity.py, kernels/viscosity.py),
and CPU versus CUDA simulator for all three lateral stress closures (with ``zb2020``).

Discrete energy identity (summation by parts of ``lateral_stress_divergence``, derived in
kernels/viscosity.py): for masked u, v on a closed or periodic domain

    sum_U u du area_u dz + sum_V v dv area_v dz
        = -sum_T nu_T D~^2 area_t dz - sum_q nu_q D^2 area_q dz            [m5 s-3]

with D~ at T points, D at corners and area_q = cosu dxu dyu: exact to round-off on the
sphere, with land, and negative (the closures only dissipate).
"""

import os
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import lateral_grids as lg  # noqa: E402

from ocean import Model  # noqa: E402
from ocean.plugins.registry import make_closure  # noqa: E402
from ocean.plugins.viscosity import Leith, Smagorinsky  # noqa: E402
from ocean.settings import Settings  # noqa: E402

LENGTH = 1.0e6
ROOT = HERE.parents[1]
NAMES = ("smagorinsky", "leith")


def closure(name, **settings):
    return make_closure(name, Settings(overrides=settings))


def test_registered_with_their_halos_and_constants():
    smag = closure("smagorinsky", smagorinsky_constant=0.2)
    leith = closure("leith", leith_constant=2.0)
    assert isinstance(smag, Smagorinsky) and smag.constant == 0.2 and smag.halo == 2
    assert isinstance(leith, Leith) and leith.constant == 2.0 and leith.halo == 3


def viscosity_squared(name, n, w, constant=0.7):
    """Interior nu^2 normalised to (|S|^2 or |grad zeta|^2) and the closed form, at T
    points and at corners."""
    block = lg.Block(n, LENGTH, h=3)
    block.set_velocity(w.u, w.v)
    c = closure(name, smagorinsky_constant=constant, leith_constant=constant)
    c.cap_fraction = 0.0
    c.bind(block)
    c(block)
    area = block.dx * block.dy
    norm = (constant**2 * area) if name == "smagorinsky" else (constant / np.pi) ** 3 * area**1.5
    out = []
    for loc, nu in (("T", c.visc_t), ("Q", c.visc_q)):
        q = w.invariants(*block.points(loc))
        exact = q.Dt**2 + q.D**2 if name == "smagorinsky" else q.zeta_x**2 + q.zeta_y**2
        out.append((block.inner((nu[0] / norm) ** 2), block.inner(exact)))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_viscosity_matches_the_closed_form_at_second_order(name):
    """nu^2 / ((C Delta)^2)^2 -> D~^2 + D^2 (Smagorinsky) and nu^2 / (C Delta / pi)^6 ->
    |grad zeta|^2 (Leith), at T points and corners (squares: smooth where |S| = 0)."""
    w = lg.Waves(LENGTH)
    errors = [[lg.max_error(a, b) for a, b in viscosity_squared(name, n, w)] for n in (32, 64, 128)]
    ratios = [
        [coarse / fine for coarse, fine in zip(*pair, strict=True)]
        for pair in zip(errors[:-1], errors[1:], strict=True)
    ]
    print(name, "relative max errors (T, corner):", errors, "ratios:", ratios)
    assert max(errors[-1]) < 0.01
    assert min(min(r) for r in ratios) >= 3.5, ratios


@pytest.mark.parametrize("name", NAMES)
def test_solid_body_rotation_and_uniform_flow_feel_no_force(name):
    omega = 1e-5
    for u, v in (
        (lambda x, y: -omega * (y - 0.4 * LENGTH), lambda x, y: omega * (x - 0.6 * LENGTH)),
        (lambda x, y: 0.3 + 0 * x, lambda x, y: -0.2 + 0 * x),
    ):
        block = lg.Block(12, LENGTH, h=3)
        block.set_velocity(u, v)
        c = closure(name)
        c.bind(block)
        out = c(block)
        # the force a viscosity of 1 m2 s-1 would exert on a grid-scale wave of 0.1 m s-1
        scale = 0.1 / block.dx**2
        for key in ("u", "v"):
            assert np.abs(block.inner(out[key])).max() <= 1e-12 * scale, (key, u)


@pytest.mark.parametrize("name", NAMES)
def test_viscosity_is_capped_at_a_quarter_of_the_stability_limit(name):
    block = lg.Block(12, LENGTH, h=3, dt=1e6)
    rng = np.random.default_rng(4)
    block.fields["u"] = rng.normal(size=block.grid.shape3)
    block.fields["v"] = rng.normal(size=block.grid.shape3)
    c = closure(name, smagorinsky_constant=1.0, leith_constant=3.0)
    c.bind(block)
    c(block)
    cap = block.dx**2 / (16 * block.dt)  # 0.25 / (2 dt (2 / dx^2))
    nu = block.inner(c.visc_t)
    assert nu.max() == pytest.approx(cap, rel=1e-14)
    c.cap_fraction = 0.0
    c(block)
    assert block.inner(c.visc_t).max() > 10 * cap


@pytest.mark.parametrize("name", NAMES)
def test_energy_identity_on_the_sphere_with_land(name):
    model = Model(lg.SphericalBasin(), settings={"closures": (name,)})
    c = model.closures.closures[0]
    g = model.grid
    u, v = lg.random_velocity(model, seed=7)
    out = c(model.closures.view)
    du, dv = out["u"], out["v"]
    dz = g.dzt[:, None, None]
    inner = (slice(None), *g.interior)
    power = (u * du * g.area_u * dz)[inner].sum() + (v * dv * g.area_v * dz)[inner].sum()
    dt2, d2 = lg.tension(u, v, g) ** 2, lg.strain(u, v, g) ** 2
    dissipation = (c.visc_t * dt2 * g.area_t * dz)[inner].sum()
    dissipation += (c.visc_q * d2 * lg.corner_area(g) * dz)[inner].sum()
    print(name, "power", power, "dissipation", dissipation)
    assert dissipation > 0 and power < 0
    assert power == pytest.approx(-dissipation, rel=1e-12)
    # nu is positive where the strain is, zero on land; the tendency is zero on land
    assert np.all(c.visc_t >= 0) and np.abs(c.visc_t[g.maskT == 0]).max() == 0.0
    assert np.abs(du[g.maskU == 0]).max() == 0.0 and np.abs(dv[g.maskV == 0]).max() == 0.0


@cache
def double_gyre(closures):
    """The double gyre at 200 km (10 x 10 x 10) after 20 steps with ``closures``."""
    from ocean.loader import load_setup

    setup = load_setup(ROOT / "examples" / "double_gyre.py")
    model = Model(setup(), settings={"resolution_km": 200.0, "closures": closures})
    model.run(20)
    return model


@pytest.mark.parametrize("name", NAMES)
def test_double_gyre_runs_and_differs_from_no_closure(name):
    plain, run = double_gyre(()), double_gyre((name,))
    assert run.grid.h == run.closures.closures[0].halo and run.state.itt == 20
    for field in ("u", "v", "temp", "psi"):
        assert np.isfinite(run.state.get(field)).all(), field
    u, u_plain = run.state.get("u"), plain.state.get("u")
    assert np.abs(u - u_plain).max() > 1e-5 * np.abs(u_plain).max()  # measured: 1.4e-4, 1.9e-4
    assert np.all(run.closures.closures[0].visc_t >= 0)


ALL = ("zb2020", "smagorinsky", "leith")
SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, {here!r})
    import lateral_grids as lg
    from ocean import Model
    model = Model(lg.SphericalBasin(), backend=sys.argv[1], settings={{"closures": {names!r}}})
    assert model.backend.name == sys.argv[1]
    assert sys.argv[1] == "cpu" or model.backend.simulated
    lg.random_velocity(model, seed=11)
    out = {{}}
    for c in model.closures.closures:
        for key, arr in c(model.closures.view).items():
            out[c.name + "_" + key] = model.backend.to_host(arr)
    model.step()
    out["u_step"] = model.state.get("u", "tau")
    np.savez(sys.argv[2], **out)
    """
)


@pytest.mark.cudasim
def test_closures_cpu_equal_cuda_simulator(tmp_path):
    """The three closures' tendencies on random flow over a spherical basin with land,
    and one model step with all three, agree between the CPU and the CUDA simulator."""
    code = SCRIPT.format(here=str(HERE), names=ALL)
    results = {}
    for backend in ("cpu", "cuda"):
        env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1" if backend == "cuda" else "0")
        path = tmp_path / f"{backend}.npz"
        res = subprocess.run(
            [sys.executable, "-c", code, backend, str(path)],
            capture_output=True, text=True, env=env, timeout=600, cwd=ROOT,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr[-3000:]
        results[backend] = dict(np.load(path))
    cpu, cuda = results["cpu"], results["cuda"]
    assert sorted(cpu) == sorted(cuda) and len(cpu) == 2 * len(ALL) + 1
    worst = {}
    for key, a in cpu.items():
        scale = np.abs(a).max()
        assert scale > 0, key
        diff = np.abs(a - cuda[key]).max()
        worst[key] = diff / scale
        assert diff <= 1e-13 * scale, (key, diff, scale)
    print("max relative CPU vs simulator difference:", worst)

"""Dot-product cases of kernels/vertical_friction.py's adjoint (the box of
ocean/dynamics/momentum.py)."""

from adjoint_cases import case, random3

from ocean.kernels import vertical_friction as KVF


@case(KVF.implicit_vertical_friction)
def _implicit_vertical_friction(m, rng):
    given = {"u": random3(m, rng, 0.2), "v": random3(m, rng, 0.2)}
    # from background (1e-4) to enhanced convective (100 m2 s-1) viscosities: from weak to
    # strong coupling of the levels (dt kappaM / (dzw dzt) from 4e-6 to 11)
    given["kappaM"] = 10.0 ** rng.uniform(-4.0, 2.0, m.grid.shape3)
    given["dt"] = m.settings.dt_mom
    for n in ("work_u", "work_v", "du_mix", "dv_mix"):
        given[n] = random3(m, rng)
    return m.grid.box2(), given

"""Dot-product cases of kernels/pressure.py's adjoints."""

from adjoint_cases import case, random2, random3

from ocean.kernels import pressure as KP


@case(KP.momentum_ab_step)
def _momentum_ab_step(m, rng):
    names = ("u", "v", "du", "dv", "du_old", "dv_old", "du_mix", "dv_mix", "u_new", "v_new")
    given = {n: random3(m, rng) for n in names}
    given.update(dt=m.settings.dt_mom, ab_new=1.6, ab_old=0.6)
    return m.grid.box(), given


@case(KP.surface_pressure_correction)
def _surface_pressure_correction(m, rng):
    given = {"psi": random2(m, rng), "u": random3(m, rng), "v": random3(m, rng)}
    given["dt"] = m.settings.dt_mom
    return m.grid.box(), given

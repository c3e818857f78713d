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


@case(KP.hydrostatic_pressure)
def _hydrostatic_pressure(m, rng):
    given = {"rho": random3(m, rng, 2.0), "p_hydro": random3(m, rng)}
    given.update(grav=m.settings.grav, rho_0=m.settings.rho_0)
    return m.grid.box2(1), given  # as ocean/dynamics/momentum.py


def _operator_coefficients(m):
    e = m.external
    return {n: m.backend.to_host(getattr(e, n)).copy() for n in ("coef_e", "coef_n", "fs_coef")}


def _surface_pressure_rhs(first_guess):
    def make(m, rng):
        given = {n: random3(m, rng, 0.1) for n in ("u", "v")}
        given.update({n: random2(m, rng) for n in ("psi", "psi_old", "rhs", "guess")})
        given.update(dt_mom=m.settings.dt_mom, first_guess=first_guess)
        given["fs_coef"] = _operator_coefficients(m)["fs_coef"]
        return m.grid.box2(), given  # as ocean/dynamics/external.py

    return make


for _flag in (False, True):
    case(KP.surface_pressure_rhs, f"{KP.__name__}.surface_pressure_rhs[first_guess={_flag}]")(
        _surface_pressure_rhs(_flag)
    )


def _surface_pressure_operator(inner):
    def make(m, rng):
        given = _operator_coefficients(m)
        shape = (1, *m.grid.shape2)  # the 2-D field seen as one level (as3d)
        given.update(p=rng.standard_normal(shape), out=rng.standard_normal(shape))
        box = m.grid.box(k1=1)  # as ocean/dynamics/external.py (one launch, no halo overlap)
        if inner:  # its inner box when the halo exchange overlaps (split_frame)
            box = (0, 1, box[2] + 1, box[3] - 1, box[4] + 1, box[5] - 1)
        return box, given

    return make


case(KP.surface_pressure_operator)(_surface_pressure_operator(False))
case(KP.surface_pressure_operator, f"{KP.__name__}.surface_pressure_operator[inner]")(
    _surface_pressure_operator(True)
)


@case(KP.subtract_constant)
def _subtract_constant(m, rng):
    given = {"x": rng.standard_normal((1, *m.grid.shape2)), "c": 0.3}
    return m.grid.box(k1=1), given  # as ocean/dynamics/external.py (rigid lid)

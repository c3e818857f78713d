"""Dot-product cases of kernels/tracers.py's adjoints."""

from adjoint_cases import case, random2, random3

from ocean.kernels import tracers as KT


def _tracer_explicit_step(sponge, K_h):
    def make(m, rng):
        s = m.settings
        given = {
            "t": 10.0 + random3(m, rng, 5.0),
            "dt_adv": random3(m, rng, 1e-6),
            "dt_adv_old": random3(m, rng, 1e-6),
            "sponge_rate": rng.uniform(0.0, 1e-6, m.grid.shape3),  # [s-1], ~ 1 / 10 days
            "sponge_target": 10.0 + random3(m, rng, 5.0),
            "t_new": random3(m, rng),
            "K_h": K_h,
            "dt": s.dt_tracer,
            "ab_new": 1.5 + s.AB_eps,
            "ab_old": 0.5 + s.AB_eps,
            "sponge": sponge,
        }
        return m.grid.box(), given  # as ocean/dynamics/tracers.py

    return make


for _sponge, _K_h in ((True, 1000.0), (False, 1000.0), (False, 0.0)):
    case(
        KT.tracer_explicit_step,
        f"{KT.__name__}.tracer_explicit_step[sponge={_sponge},K_h={_K_h:g}]",
    )(_tracer_explicit_step(_sponge, _K_h))


@case(KT.tracer_vertical_mixing)
def _tracer_vertical_mixing(m, rng):
    given = {
        "t": 10.0 + random3(m, rng, 5.0),
        # from background (1e-5) to convective (1) diffusivities [m2 s-1]
        "kappaH": 10.0 ** rng.uniform(-5.0, 0.0, m.grid.shape3),
        "dt": m.settings.dt_tracer,
        "rate": rng.uniform(0.0, 1e-4, m.grid.shape2),  # [m s-1]: dz_top / 30 days
        "target": 10.0 + random2(m, rng, 5.0),
        "flux": random2(m, rng, 3e-5),  # [K m s-1]: ~100 W m-2
        "work": random3(m, rng),
        "t_new": 10.0 + random3(m, rng, 5.0),
    }
    return m.grid.box2(), given  # as ocean/dynamics/tracers.py

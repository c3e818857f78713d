"""Dot-product cases of kernels/vertical.py's adjoints."""

from adjoint_cases import case, random3

from ocean.kernels import vertical as KV


@case(KV.vertical_velocity)
def _vertical_velocity(m, rng):
    given = {"u": random3(m, rng, 0.1), "v": random3(m, rng, 0.1), "w": random3(m, rng)}
    return m.grid.box2(1), given  # as ocean/model.py


def _vertical_mixing_coefficients(convective):
    def make(m, rng):
        s = m.settings
        given = {
            "nsqr": random3(m, rng, 1e-5),  # about half the cells convective
            "kappaM_0": s.kappaM_0,
            "kappaH_0": s.kappaH_0,
            "kappaH_conv": s.kappaH_convective,
            "convective": convective,
            "kappaM": random3(m, rng),
            "kappaH": random3(m, rng),
        }
        return m.grid.box(m.grid.h), given  # as ocean/model.py: halo included

    return make


for _flag in (True, False):
    case(
        KV.vertical_mixing_coefficients,
        f"{KV.__name__}.vertical_mixing_coefficients[convective={_flag}]",
    )(_vertical_mixing_coefficients(_flag))

"""Dot-product cases of kernels/eos.py's adjoint: one per equation of state."""

from adjoint_cases import case, random3

from ocean.dynamics.tracers import EOS_TYPES
from ocean.kernels import eos as KE


def _equation_of_state(eos):
    def make(m, rng):
        given = {
            "eos": eos,
            "temp": 12.0 + random3(m, rng, 6.0),
            "salt": 35.0 + random3(m, rng, 0.8),
            "rho": random3(m, rng),
            "nsqr": random3(m, rng),
            "grav": m.settings.grav,
            "rho_0": m.settings.rho_0,
        }
        return m.grid.box(m.grid.h), given  # as ocean/dynamics/tracers.py: halo included

    return make


for _name, _eos in EOS_TYPES.items():
    case(KE.equation_of_state, f"{KE.__name__}.equation_of_state[{_name}]")(
        _equation_of_state(_eos)
    )

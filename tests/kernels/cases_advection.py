"""Dot-product cases of kernels/advection.py's adjoints (the schemes a differentiated run
allows: centred and DST3)."""

from adjoint_cases import case, random3

from ocean.dynamics.tracers import ADVECTION_SCHEMES
from ocean.kernels import advection as KA


def _tracer_advection(scheme):
    def make(m, rng):
        given = {
            "t": 10.0 + random3(m, rng, 5.0),
            "u": random3(m, rng, 0.1),
            "v": random3(m, rng, 0.1),
            "w": random3(m, rng, 1e-5),
            "dt_out": random3(m, rng, 1e-6),
            "dt": m.settings.dt_tracer,
            "scheme": ADVECTION_SCHEMES[scheme],
        }
        return m.grid.box(), given  # as ocean/dynamics/tracers.py

    return make


for _scheme in ("centred", "dst3"):
    case(KA.tracer_advection, f"{KA.__name__}.tracer_advection[{_scheme}]")(
        _tracer_advection(_scheme)
    )

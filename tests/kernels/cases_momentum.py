"""Dot-product cases of kernels/momentum.py's adjoints."""

from adjoint_cases import case, random2, random3

from ocean.kernels import momentum as KM


def _momentum_tendency(advect, spherical=True):
    def make(m, rng):
        s = m.settings
        given = {
            "u": random3(m, rng, 0.1),  # m s-1
            "v": random3(m, rng, 0.1),
            "w": random3(m, rng, 1e-5),
            "p_hydro": random3(m, rng, 10.0),  # m2 s-2
            "taux": random2(m, rng, 0.1),  # N m-2
            "tauy": random2(m, rng, 0.1),
            "du": random3(m, rng, 1e-6),
            "dv": random3(m, rng, 1e-6),
            "rho_0": s.rho_0,
            "spherical": spherical,  # the basin's coord_degree (True): metric terms on
            "advect": advect,
        }
        return m.grid.box(), given  # as ocean/dynamics/momentum.py

    return make


for _advect in (True, False):
    case(KM.momentum_tendency, f"{KM.__name__}.momentum_tendency[advect={_advect}]")(
        _momentum_tendency(_advect)
    )
# the Cartesian arithmetic (no metric terms) on the same grid
case(KM.momentum_tendency, f"{KM.__name__}.momentum_tendency[advect=True,cartesian]")(
    _momentum_tendency(True, spherical=False)
)

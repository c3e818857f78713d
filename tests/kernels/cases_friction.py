"""Dot-product cases of kernels/friction.py's adjoints (launch boxes as in
ocean/dynamics/momentum.py)."""

import numpy as np
from adjoint_cases import case, random3

from ocean.kernels import friction as KF

#: lateral viscosities for the 4-degree basin: harmonic [m2 s-1] scaled by cos(lat)^3,
#: biharmonic [m4 s-1] by cos(lat)^2 (a few times below the explicit stability limits)
A_H, A_HBI = 2e5, 1e16
R_BOT, R_QUAD_BOT = 1e-5, 2e-3


def _rows(m, rng, scale, power):
    """Per-row coefficients (x_u, y_u, x_v, y_v) as ocean/dynamics/momentum.py builds them
    from cost and cosu, each row perturbed by up to 20%."""
    cost, cosu = (np.asarray(m.backend.to_host(getattr(m.dev, n))) for n in ("cost", "cosu"))
    return [scale * c**power * (1.0 + 0.2 * rng.random(c.shape)) for c in (cost, cosu, cosu, cost)]


def _velocities(m, rng):
    return {"u": random3(m, rng, 0.2), "v": random3(m, rng, 0.2)}


@case(KF.biharmonic_laplacian)
def _biharmonic_laplacian(m, rng):
    given = _velocities(m, rng)
    rows = _rows(m, rng, np.sqrt(A_HBI), 1.0)
    given.update(zip(("cu_x", "cu_y", "cv_x", "cv_y"), rows, strict=True))
    given.update(lap_u=random3(m, rng), lap_v=random3(m, rng))
    return m.grid.box(1), given


def _explicit_friction(biharmonic, quadratic):
    def make(m, rng):
        given = _velocities(m, rng)
        harm = _rows(m, rng, A_H, 3.0)
        bih = _rows(m, rng, np.sqrt(A_HBI), 1.0)
        given.update(zip(("hu_x", "hu_y", "hv_x", "hv_y"), harm, strict=True))
        given.update(zip(("bu_x", "bu_y", "bv_x", "bv_y"), bih, strict=True))
        given.update(lap_u=random3(m, rng, 2e-4), lap_v=random3(m, rng, 2e-4))
        given.update(du_mix=random3(m, rng, 1e-6), dv_mix=random3(m, rng, 1e-6))
        given.update(r_bot=R_BOT, r_quad_bot=R_QUAD_BOT if quadratic else 0.0)
        given["biharmonic"] = biharmonic
        return m.grid.box(), given

    return make


for _bih in (False, True):
    for _quad in (False, True):
        case(
            KF.explicit_friction,
            f"{KF.__name__}.explicit_friction[biharmonic={_bih},quadratic={_quad}]",
        )(_explicit_friction(_bih, _quad))

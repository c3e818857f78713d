"""Gradients with respect to the physical parameters, from a rollout's gradient.

Scalar kernel arguments come straight from the adjoints' summed contributions; the
lateral viscosities enter the kernels as per-row coefficient arrays (A_h cos^p,
sqrt(A_hbi) cos^q) and the wind as the stress fields, so their gradients are the chain
rule through those arrays.
"""

from __future__ import annotations

import numpy as np

#: parameter -> (kernel, argument) of a scalar kernel argument
SCALARS = {
    "r_bot": ("explicit_friction", "r_bot"),
    "r_quad_bot": ("explicit_friction", "r_quad_bot"),
    "K_h": ("tracer_explicit_step", "K_h"),
    "kappaM_0": ("vertical_mixing_coefficients", "kappaM_0"),
    "kappaH_0": ("vertical_mixing_coefficients", "kappaH_0"),
}


def _rows_dot(grad, model, rows):
    """sum over the coefficient arrays of <adjoint, coefficient>."""
    host = model.backend.to_host
    return sum(float(np.sum(host(grad.tape.adjoints.of(c)) * host(c))) for c in rows)


def parameter_gradients(model, grad) -> dict:
    """dJ/dp for the physical parameters p of a :class:`~ocean.adjoint.rollout.Gradient`
    of ``model``'s rollout: bottom drag, diffusivities, viscosities, and
    ``wind_stress_scale`` (a factor on both stress components, at 1)."""
    s, st = model.settings, model.state
    out = {name: grad.scalars.get(key, 0.0) for name, key in SCALARS.items()}
    momentum = model.momentum
    if s.A_h != 0.0:  # coefficients A_h cos^p: d/dA_h = coefficient / A_h
        out["A_h"] = _rows_dot(grad, model, momentum.harm) / s.A_h
    if s.A_hbi != 0.0:  # coefficients sqrt(A_hbi) cos^q, used squared
        out["A_hbi"] = _rows_dot(grad, model, momentum.bih) / (2.0 * s.A_hbi)
    host = model.backend.to_host
    out["wind_stress_scale"] = sum(
        float(np.sum(host(grad.tape.adjoints.of(st.arrays[n])) * host(st.arrays[n])))
        for n in ("surface_taux", "surface_tauy")
    )
    return out

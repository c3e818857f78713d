"""ocean/adjoint/losses.py: each loss term's gradient with respect to the state.

A term is a function of the current state alone, so its gradient is checked against
central differences along a random (unit-variance) direction with h = 1e-6 of the
largest |u|: for the quadratic field misfit the central difference is exact up to
rounding; the quartic kinetic-energy misfit leaves a truncation of relative order
(h |d| / |u|)^2 ~ 1e-11. Rounding in J(+h) - J(-h) is ~1e-16 J / (h slope) ~ 1e-11, so
1e-8 relative holds with margin and would catch a wrong factor or a missing mask.
A rollout over a LossSum then gives the same gradient as the sum of the rollouts of
its parts (the adjoint is linear in the seeds).
"""

import numpy as np
import pytest
from basin import basin

from ocean.adjoint.losses import FieldMisfit, KineticEnergyMisfit, LossSum
from ocean.adjoint.rollout import Rollout, Snapshot
from ocean.adjoint.shadows import address


class Seeds:
    """Adjoint arrays kept by buffer (address and shape), as the tape's are."""

    def __init__(self):
        self.arrays = {}

    def of(self, view):
        key = (address(view), view.shape)
        return self.arrays.setdefault(key, np.zeros_like(view))


def targets_for(model, scale=0.3):
    """u, v targets: the model's own fields scaled (so the energy misfit is nonzero)."""
    st = model.state
    return {1: {n: (1.0 + scale) * st.get(n) for n in ("u", "v")}}


@pytest.mark.parametrize("kind", ["field", "energy"])
def test_term_gradient_matches_central_differences(kind):
    model = basin()
    targets = targets_for(model)
    loss = FieldMisfit(targets) if kind == "field" else KineticEnergyMisfit(targets, 2.0)
    st = model.state
    seeds = Seeds()
    J0 = loss.term(model, 1, seeds)
    assert J0 > 0
    rng = np.random.default_rng(5)
    direction = {n: rng.standard_normal(st.arrays[n][st.tau].shape) for n in ("u", "v")}
    slope = sum(float(np.sum(seeds.of(st.arrays[n][st.tau]) * d)) for n, d in direction.items())
    h = 1e-6 * float(np.abs(st.get("u")).max())

    def J(sign):
        saved = {n: st.arrays[n][st.tau].copy() for n in direction}
        for n, d in direction.items():
            st.arrays[n][st.tau] += sign * h * d
        try:
            return loss.term(model, 1, Seeds())
        finally:
            for n, a in saved.items():
                st.arrays[n][st.tau][...] = a

    central = (J(1) - J(-1)) / (2 * h)
    assert slope == pytest.approx(central, rel=1e-8)


def test_energy_misfit_is_zero_on_its_target_and_refuses_no_flow():
    model = basin()
    st = model.state
    same = {1: {n: st.get(n) for n in ("u", "v")}}
    assert KineticEnergyMisfit(same).term(model, 1, Seeds()) == pytest.approx(0.0, abs=1e-28)
    still = {1: {n: 0.0 * st.get(n) for n in ("u", "v")}}
    with pytest.raises(ValueError, match="no flow"):
        KineticEnergyMisfit(still).term(model, 1, Seeds())


def test_rollout_of_a_sum_is_the_sum_of_rollouts():
    model = basin()
    start = Snapshot(model)
    model.run(4)
    targets = {4: {n: 1.1 * model.state.get(n) for n in ("u", "v")}}
    parts = (FieldMisfit(targets), KineticEnergyMisfit(targets, 0.5))
    grads = []
    for loss in (*parts, LossSum(*parts)):
        start.restore(model)
        grads.append(Rollout(model, 4, snapshots=2).gradient(loss))
    assert grads[2].loss == pytest.approx(grads[0].loss + grads[1].loss, rel=1e-14)
    for name in ("u", "v", "temp"):
        expected = grads[0].state[name] + grads[1].state[name]
        scale = np.abs(expected).max()
        assert scale > 0
        np.testing.assert_allclose(grads[2].state[name], expected, rtol=0, atol=1e-12 * scale)

"""ocean/adjoint/rollout.py: gradients over rollouts with binomial checkpointing.

- Taylor test: for J over 20 steps and a direction dm, the first-order remainder
  r1(h) = |J(m + h dm) - J(m) - h <grad J, dm>| must fall as h^2: by >= 3.9x per halving
  over three halvings, for the initial state and for a parameter.
- Checkpointed gradients equal the store-everything ones bit for bit (recomputation
  repeats the same arithmetic).
"""

import numpy as np
import pytest
from basin import basin, laplacian_closure

from ocean.adjoint.losses import FieldMisfit
from ocean.adjoint.parameters import parameter_gradients
from ocean.adjoint.rollout import Rollout, Snapshot

STEPS = 20


def make_loss(model, steps, seed=3):
    """Misfit of u, v and temp against a perturbed copy of the model's own trajectory
    (so the loss is O(1) and its gradient nonzero)."""
    start = Snapshot(model)
    rng = np.random.default_rng(seed)
    targets = {}
    for step in range(1, steps + 1):
        model.step()
        if step % 5 == 0 or step == steps:
            st = model.state
            targets[step] = {
                n: model.backend.to_host(st.arrays[n][st.tau])
                + s * rng.standard_normal(st.u.shape[1:])
                for n, s in (("u", 0.01), ("v", 0.01), ("temp", 0.1))
            }
    start.restore(model)
    return FieldMisfit(targets, weights={"u": 100.0, "v": 100.0, "temp": 1.0})


def loss_only(model, loss, steps):
    total = 0.0

    class Null:
        def of(self, arr):
            return np.zeros_like(arr)

    for step in range(1, steps + 1):
        model.step()
        total += loss.term(model, step, Null())
    return total


def remainders(J, J0, slope, h0, halvings=4):
    out = []
    for n in range(halvings):
        h = h0 / 2**n
        out.append(abs(J(h) - J0 - h * slope))
    return out


def test_checkpointed_gradient_equals_store_everything():
    model = basin()
    loss = make_loss(model, 12)
    start = Snapshot(model)
    every = Rollout(model, 12, snapshots=12).gradient(loss)
    start.restore(model)
    few = Rollout(model, 12, snapshots=3).gradient(loss)
    assert few.forward_steps > every.forward_steps  # it did recompute
    assert few.loss == every.loss
    for name in every.state:
        assert np.array_equal(few.state[name], every.state[name]), name
    assert few.scalars == every.scalars


def scaled_arrays(model, target):
    """The arrays a relative change of ``target`` scales: (arrays, d log(array)/d p)."""
    if target == "A_h":
        return model.momentum.harm, 1.0 / model.settings.A_h
    st = model.state
    return [st.arrays["surface_taux"], st.arrays["surface_tauy"]], 1.0


TARGETS = ["initial_state", "K_h", "closure_weights", "A_h", "wind_stress_scale"]


@pytest.mark.parametrize("target", TARGETS)
def test_taylor_remainder_is_second_order(target, tmp_path):
    closures = ()
    if target == "closure_weights":
        closure = laplacian_closure(tmp_path)
        closures = (closure,)
    model = basin(closures=closures)
    if closures:
        closure.enable_training()
    loss = make_loss(model, STEPS)
    start = Snapshot(model)
    grad = Rollout(model, STEPS, snapshots=5).gradient(loss)
    start.restore(model)
    J0 = loss_only(model, loss, STEPS)
    assert J0 == pytest.approx(grad.loss, rel=1e-12)
    rng = np.random.default_rng(11)
    st = model.state
    if target == "initial_state":
        tau = start.scalars[3]
        direction = {n: rng.standard_normal(st.arrays[n].shape[1:]) for n in ("u", "temp")}
        slope = sum(float(np.sum(grad.state[n][tau] * d)) for n, d in direction.items())

        def J(h):
            start.restore(model)
            for n, d in direction.items():
                st.arrays[n][tau] += h * d
            return loss_only(model, loss, STEPS)

        h0 = 1e-3
    elif target == "closure_weights":
        ex = closure.executor
        coef = ex.parameters()["coef"].copy()
        slope = float(np.sum(closure.gradients["coef"]))

        def J(h):
            start.restore(model)
            ex.set_parameters({"coef": coef + h})
            try:
                return loss_only(model, loss, STEPS)
            finally:
                ex.set_parameters({"coef": coef})

        h0 = 0.2 * float(coef)
    elif target in ("A_h", "wind_stress_scale"):
        slope = parameter_gradients(model, grad)[target]
        arrays, per_unit = scaled_arrays(model, target)
        saved = [a.copy() for a in arrays]

        def J(h):
            start.restore(model)
            for a, a0 in zip(arrays, saved, strict=True):
                a[...] = a0 * (1.0 + h * per_unit)
            try:
                return loss_only(model, loss, STEPS)
            finally:
                for a, a0 in zip(arrays, saved, strict=True):
                    a[...] = a0

        h0 = 0.1 / per_unit
    else:
        K_h = model.settings.K_h
        slope = grad.scalars[("tracer_explicit_step", "K_h")]

        def J(h):
            start.restore(model)
            model.settings.K_h = K_h + h
            try:
                return loss_only(model, loss, STEPS)
            finally:
                model.settings.K_h = K_h

        h0 = 0.05 * K_h
    r1 = remainders(J, J0, slope, h0)
    ratios = [a / b for a, b in zip(r1[:-1], r1[1:], strict=True)]
    assert abs(slope) > 0
    assert all(r >= 3.9 for r in ratios), (r1, ratios)

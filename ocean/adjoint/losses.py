"""Loss functions over a rollout, with their gradients with respect to the state."""

from __future__ import annotations

from .rollout import Loss

MASK_OF = {"u": "maskU", "v": "maskV", "w": "maskW", "temp": "maskT", "salt": "maskT"}


def interior_target(backend, target, field_shape, inner):
    """``target`` (interior-shaped, or with the halo of a field shaped ``field_shape``) as
    an interior array on ``backend``."""
    target = backend.asarray(target)
    return target[inner] if target.shape == field_shape else target


class FieldMisfit(Loss):
    """J = sum over the target steps t and fields f of
    weight_f / 2 * sum over wet interior cells (f_t - target_{f,t})^2.

    ``targets``: {step: {field: array}}, arrays shaped like the field's interior
    (nz, ny, nx) or with its halo, on the model's backend or the host.
    """

    def __init__(self, targets: dict, weights: dict | None = None):
        self.targets = targets
        self.weights = weights or {}

    def term(self, model, step, adjoints):
        fields = self.targets.get(step)
        if not fields:
            return 0.0
        st, b = model.state, model.backend
        inner = (slice(None), *model.grid.interior)
        total = 0.0
        for name, target in fields.items():
            current = st.arrays[name][st.tau]
            mask = getattr(model.dev, MASK_OF[name])
            diff = (current[inner] - interior_target(b, target, current.shape, inner)) * mask[inner]
            weight = self.weights.get(name, 1.0)
            total += 0.5 * weight * float(b.xp.sum(diff * diff))
            adjoints.of(current)[inner] += weight * diff * mask[inner]
        return model.comm.allreduce_sums([total])[0]


class KineticEnergyMisfit(Loss):
    """J = sum over the target steps t of weight / 2 * ((E_t - E_ref,t) / E_ref,t)^2, with
    E = 1/2 sum over wet interior cells of (u^2 + v^2) dz  [m^4 s^-2 per unit area of a
    cell face, the grid's cells counted alike]: the domain's kinetic energy against a
    reference's, a term that penalises a closure which lets energy pile up (or drain)
    over a window while fitting its fields.

    ``targets``: {step: {"u": array, "v": array}} as for :class:`FieldMisfit`.
    """

    def __init__(self, targets: dict, weight: float = 1.0):
        self.targets, self.weight = targets, weight

    def term(self, model, step, adjoints):
        fields = self.targets.get(step)
        if not fields:
            return 0.0
        st, b = model.state, model.backend
        inner = (slice(None), *model.grid.interior)
        dz = b.asarray(model.grid.dzt)[:, None, None]
        currents, weighted, local, local_ref = {}, {}, 0.0, 0.0
        for name in ("u", "v"):
            currents[name] = current = st.arrays[name][st.tau]
            weighted[name] = w = getattr(model.dev, MASK_OF[name])[inner] * dz
            target = interior_target(b, fields[name], current.shape, inner)
            local += 0.5 * float(b.xp.sum(w * current[inner] ** 2))
            local_ref += 0.5 * float(b.xp.sum(w * target * target))
        energy, reference = model.comm.allreduce_sums([local, local_ref])
        if reference <= 0.0:
            raise ValueError(f"the kinetic-energy target of step {step} is {reference:g}: no flow")
        misfit = (energy - reference) / reference
        scale = self.weight * misfit / reference
        for name, current in currents.items():
            adjoints.of(current)[inner] += scale * weighted[name] * current[inner]
        return 0.5 * self.weight * misfit * misfit


class LossSum(Loss):
    """The sum of several losses' terms (e.g. a field misfit and an energy misfit)."""

    def __init__(self, *losses: Loss):
        self.losses = losses

    def term(self, model, step, adjoints):
        return sum(loss.term(model, step, adjoints) for loss in self.losses)

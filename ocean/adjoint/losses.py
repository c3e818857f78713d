"""Loss functions over a rollout, with their gradients with respect to the state."""

from __future__ import annotations

from .rollout import Loss

MASK_OF = {"u": "maskU", "v": "maskV", "w": "maskW", "temp": "maskT", "salt": "maskT"}


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
        st, g, b = model.state, model.grid, model.backend
        total = 0.0
        for name, target in fields.items():
            current = st.arrays[name][st.tau]
            mask = getattr(model.dev, MASK_OF[name])
            box = g.box()
            inner = (slice(box[0], box[1]), slice(box[2], box[3]), slice(box[4], box[5]))
            target = b.asarray(target)
            if target.shape != current.shape:
                target_inner = target
            else:
                target_inner = target[inner]
            diff = (current[inner] - target_inner) * mask[inner]
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
        st, g, b = model.state, model.grid, model.backend
        box = g.box()
        inner = (slice(box[0], box[1]), slice(box[2], box[3]), slice(box[4], box[5]))
        dz = b.asarray(g.dzt)[box[0] : box[1], None, None]
        weighted, local_ref = {}, 0.0
        for name in ("u", "v"):
            current = st.arrays[name][st.tau][inner]
            mask = getattr(model.dev, MASK_OF[name])[inner]
            target = b.asarray(fields[name])
            if target.shape != current.shape:
                target = target[inner]
            weighted[name] = mask * dz
            local_ref += 0.5 * float(b.xp.sum(weighted[name] * target * target))
        local = sum(
            0.5 * float(b.xp.sum(w * st.arrays[n][st.tau][inner] ** 2)) for n, w in weighted.items()
        )
        energy, reference = model.comm.allreduce_sums([local, local_ref])
        if reference <= 0.0:
            raise ValueError(f"the kinetic-energy target of step {step} is {reference:g}: no flow")
        misfit = (energy - reference) / reference
        scale = self.weight * misfit / reference
        for name, w in weighted.items():
            current = st.arrays[name][st.tau]
            adjoints.of(current)[inner] += scale * w * current[inner]
        return 0.5 * self.weight * misfit * misfit


class LossSum(Loss):
    """The sum of several losses' terms (e.g. a field misfit and an energy misfit)."""

    def __init__(self, *losses: Loss):
        self.losses = losses

    def term(self, model, step, adjoints):
        return sum(loss.term(model, step, adjoints) for loss in self.losses)

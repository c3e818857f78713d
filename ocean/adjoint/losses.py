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

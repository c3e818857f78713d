"""The closures of a run: made from the settings, bound to the model, called each step.

All closures read the state at ``tau`` at the start of the step. Their tendencies are
summed per field into one accumulator (masked at the field's location) and added where
the model steps friction (momentum) and lateral tracer terms: forward from ``tau``. Their
``kappaM``/``kappaH`` outputs are added to the vertical mixing coefficients at once, and
the halos of those refreshed, because the vertical solvers average them to faces.
"""

from __future__ import annotations

from ocean.errors import SetupError
from ocean.kernels import closures as KC
from ocean.plugins.closure import MIXING_OUTPUTS, ClosureView
from ocean.plugins.registry import make_closure

MASK_OF = {"T": "maskT", "U": "maskU", "V": "maskV", "W": "maskW"}


def make_closures(settings, extra=()) -> list:
    """Closure objects from the setting ``closures`` and objects given to the model."""
    closures = [make_closure(spec, settings) for spec in (*settings.closures, *extra)]
    names = [c.describe() for c in closures]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SetupError(f"closure(s) selected twice: {', '.join(twice)}")
    return closures


def widen_halo(settings, closures):
    """Grow the halo setting to the widest closure's receptive field."""
    need = max((c.halo for c in closures), default=0)
    if need > settings.halo:
        settings.halo = need


class ClosureSet:
    def __init__(self, model, closures):
        self.model, self.closures = model, list(closures)
        st, g, b = model.state, model.grid, model.backend
        self.view = ClosureView(model)
        self.location = {}
        for c in self.closures:
            self._check(c, st, g)
            self.location.update(c.locations(st))
        # one accumulator per prognostic field a closure changes (all are 3-D)
        self.tendency = {n: b.zeros(g.shape3) for n in self.location if n not in MIXING_OUTPUTS}
        for c in self.closures:
            c.bind(model)

    def __bool__(self):
        return bool(self.closures)

    @staticmethod
    def _check(c, st, g):
        label = c.describe()
        if c.halo > g.h:
            raise SetupError(
                f"closure {label!r} needs a halo of {c.halo} cells but the model's halo is "
                f"{g.h}; remove the `halo` setting or set it to at least {c.halo}"
            )
        unknown = [n for n in c.inputs if n not in st.variables]
        if unknown:
            raise SetupError(
                f"closure {label!r} reads {unknown}, which the model does not have; "
                f"fields are {sorted(st.variables)}"
            )
        allowed = (*st.tracers, "u", "v", *MIXING_OUTPUTS)
        bad = [n for n in c.outputs if n not in allowed]
        if bad or not c.outputs:
            raise SetupError(
                f"closure {label!r} outputs {list(c.outputs)}; allowed are tendencies of "
                f"{list(allowed[:-2])} or the mixing coefficients {list(MIXING_OUTPUTS)}"
            )

    # -- every step -------------------------------------------------------------------
    def compute(self):
        """Call every closure on the state at tau; sum its outputs."""
        m = self.model
        with m.timers("closures"):
            for arr in self.tendency.values():
                m.backend.fill(arr, 0.0)
            mixing = []
            for c in self.closures:
                outputs = self.call(c)
                missing = set(c.outputs) - set(outputs)
                extra = set(outputs) - set(c.outputs)
                if missing or extra:
                    raise SetupError(
                        f"closure {c.describe()!r} returned {sorted(outputs)}, "
                        f"but declares {list(c.outputs)}"
                    )
                for name, arr in outputs.items():
                    dst = m.state.arrays[name] if name in MIXING_OUTPUTS else self.tendency[name]
                    self._add(arr, name, 1.0, dst)
                    if name in MIXING_OUTPUTS:
                        mixing.append(m.state.arrays[name])
        if mixing:
            m.fill_halo(*mixing)

    def call(self, closure):
        """One closure's outputs on the state at tau (a recording wraps this)."""
        return closure(self.view)

    def _add(self, src, name, factor, dst):
        m = self.model
        mask = getattr(m.dev, MASK_OF[self.location[name]])
        m.backend.launch(KC.add_masked, m.grid.box(), src, mask, factor, dst)

    def add_momentum(self, du_mix, dv_mix):
        """Add the u and v tendencies to the friction tendencies."""
        for name, dst in (("u", du_mix), ("v", dv_mix)):
            if name in self.tendency:
                with self.model.timers("closures"):
                    self._add(self.tendency[name], name, 1.0, dst)

    def add_tracer(self, name, t_new, dt):
        """t_new += dt * tendency of ``name``."""
        if name in self.tendency:
            with self.model.timers("closures"):
                self._add(self.tendency[name], name, dt, t_new)

"""A recording of one model step, run backwards with the hand-written adjoints.

While a :class:`Tape` records, the model's backend, halo exchange and surface-pressure
solve are wrapped: every kernel launch, fill, copy, exchange and solve is appended as an
entry and carried out as usual. An array an entry will need later (a kernel's inputs, its
write-only outputs) is copied only when something is about to overwrite it (copy on
write), so a step keeps few copies. :meth:`Tape.backward` runs the entries' adjoints in
reverse order on :class:`~ocean.adjoint.shadows.Shadows` (adjoint arrays keyed by the
model's arrays); :meth:`Tape.forward_tangent` replays the entries' exact tangent-linear
(dual numbers, slow: for tests on tiny grids).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from ocean.dynamics.tracers import EOS_TYPES
from ocean.errors import SetupError
from ocean.kernels.core import ADJOINTS

from .entries import (
    ClosureEntry,
    CopyEntry,
    FillEntry,
    HaloEntry,
    KernelEntry,
    SolveEntry,
    is_array,
)  # fmt: skip
from .shadows import base_of, overlaps

#: settings whose values have hand-written adjoints (the rest are limiters with kinks, or
#: the streamfunction's island integrals, which have no adjoint yet)
DIFFERENTIABLE = {
    "tracer_advection": ("centred", "dst3"),
    "eq_of_state": tuple(EOS_TYPES),  # every density has exact derivatives
    "external_mode": ("free_surface", "rigid_lid"),
}

#: switches whose physics has no adjoint kernels yet, with why
WITHOUT_ADJOINT = {
    "enable_tke": "the TKE closure has no adjoint kernels yet",
    "enable_neutral_diffusion": "isoneutral diffusion has no adjoint kernels yet",
    "enable_eke": "the EKE closure has no adjoint kernels yet",
}


def check_differentiable(settings):
    """Refuse, with the setting and the allowed values, a configuration without adjoints."""
    for name, reason in WITHOUT_ADJOINT.items():
        if getattr(settings, name):
            raise SetupError(f"{name} = True: {reason}; differentiated runs need {name} = False")
    for name, allowed in DIFFERENTIABLE.items():
        value = getattr(settings, name)
        if value not in allowed:
            raise SetupError(
                f"{name} {value!r} has no adjoint (a limiter is not differentiable, the "
                "streamfunction has no adjoint kernels yet); "
                f"differentiated runs allow {name} in {list(allowed)}"
            )


@dataclass(eq=False)
class _Reference:
    entry: KernelEntry
    index: int


class RecordingBackend:
    """The model's backend, recording what it does into a tape."""

    def __init__(self, backend, tape):
        self._backend, self._tape = backend, tape

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def launch(self, kn, region, *args):
        tape = self._tape
        if tape.paused:
            return self._backend.launch(kn, region, *args)
        spec = ADJOINTS.get(kn)
        if spec is None:
            raise SetupError(
                f"kernel {kn.module}.{kn.name} has no adjoint: this configuration cannot be "
                "differentiated (see docs/adjoint.md for what can)"
            )
        names = kn.arg_names
        values = list(args)
        for n in spec.writes + spec.scratch:
            tape.before_write(values[names.index(n)])
        kept = tape.kept(spec)
        for n in spec.updates:
            i = names.index(n)
            tape.before_write(values[i])
            if n in kept:
                values[i] = self._backend.xp.array(values[i], copy=True)  # its old value
        self._backend.launch(kn, region, *args)
        entry = KernelEntry(spec, tuple(region), names, values, list(args))
        tape.append(entry, protect=kept)

    def fill(self, arr, value):
        tape = self._tape
        if not tape.paused:
            if value != 0.0:
                raise SetupError(f"recording a fill with {value}: only zero fills are recorded")
            tape.before_write(arr)
            tape.append(FillEntry(arr))
        self._backend.fill(arr, value)

    def copy(self, dst, src):
        tape = self._tape
        if not tape.paused:
            tape.before_write(dst)
            tape.append(CopyEntry(dst, src))
        self._backend.copy(dst, src)


@dataclass
class Tape:
    """The recording of what a model does between :meth:`record`'s enter and exit."""

    model: object
    entries: list = field(default_factory=list)
    paused: bool = False
    copies: int = 0
    #: keep every launch-time value (the tangent-linear replay needs them), not only what
    #: the adjoints read
    keep_all: bool = False

    def __post_init__(self):
        from .shadows import Shadows

        self.backend = self.model.backend
        self.adjoints = Shadows(self.backend)
        self.tangents = Shadows(self.backend)
        self.scalar_gradients: dict = {}
        self.scalar_directions: dict = {}
        self.work: dict = {}
        self._refs: dict[int, list[_Reference]] = {}

    # -- recording --------------------------------------------------------------------
    @contextmanager
    def record(self):
        """Record the model's work inside the ``with`` block (one step at a time)."""
        m = self.model
        check_differentiable(m.settings)
        for c in m.closures.closures if m.closures else ():
            if not hasattr(c, "vjp"):
                raise SetupError(
                    f"closure {c.describe()!r} has no vector-Jacobian product: it cannot be "
                    "part of a differentiated run"
                )
        backend, ext = m.backend, m.external
        m.backend = RecordingBackend(backend, self)
        m.fill_halo = self._fill_halo
        ext.solve, ext.remove_mean = self._solve, self._remove_mean
        m.closures.call = self._call_closure
        try:
            yield self
        finally:
            m.backend = backend
            patched = (
                (m, ("fill_halo",)),
                (ext, ("solve", "remove_mean")),
                (m.closures, ("call",)),
            )
            for obj, names in patched:
                for name in names:
                    obj.__dict__.pop(name, None)

    def clear(self):
        self.entries.clear()
        self._refs.clear()

    def kept(self, spec) -> frozenset:
        """The arguments of ``spec``'s kernel whose launch-time values the recording keeps
        (copied before anything overwrites them): what its adjoint reads or, with
        ``keep_all`` (needed to replay the tangent-linear), every argument."""
        return frozenset(spec.forward.arg_names) if self.keep_all else spec.needs

    def append(self, entry, protect: frozenset = frozenset()):
        """Add ``entry``; the values of its arguments named in ``protect`` are kept."""
        self.entries.append(entry)
        if not protect:
            return
        for i, (name, v) in enumerate(zip(entry.names, entry.values, strict=True)):
            if name in protect and is_array(v):
                self._refs.setdefault(id(base_of(v)), []).append(_Reference(entry, i))

    def before_write(self, arr):
        """Copy every recorded input that ``arr``'s coming overwrite would change."""
        refs = self._refs.get(id(base_of(arr)))
        if not refs:
            return
        keep, copies = [], {}
        for ref in refs:
            value = ref.entry.values[ref.index]
            if overlaps(value, arr):
                snap = copies.get(id(value))
                if snap is None:
                    snap = copies[id(value)] = self.backend.xp.array(value, copy=True)
                    self.copies += 1
                ref.entry.values[ref.index] = snap
            else:
                keep.append(ref)
        self._refs[id(base_of(arr))] = keep

    @contextmanager
    def _paused(self):
        was, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = was

    def _fill_halo(self, *fields):
        m = self.model
        if not self.paused:
            for f in fields:
                self.before_write(f)
            self.entries.append(HaloEntry(tuple(fields)))
        with self._paused(), m.timers("halo"):
            m.halo.exchange(*fields)

    def _call_closure(self, closure):
        closures = self.model.closures
        if self.paused:
            return type(closures).call(closures, closure)
        view = closures.view
        views = {n: view[n] for n in closure.inputs}
        fields = {n: self.backend.xp.array(v, copy=True) for n, v in views.items()}
        with self._paused():
            outputs = type(closures).call(closures, closure)
        for arr in outputs.values():
            self.before_write(arr)  # (written already: earlier entries never read them)
        self.entries.append(ClosureEntry(closure, fields, views, dict(outputs)))
        return outputs

    def _solve(self, rhs, x):
        ext = self.model.external
        if not self.paused:
            self.before_write(x)
            self.entries.append(SolveEntry(rhs, x))
        with self._paused():
            return type(ext).solve(ext, rhs, x)

    def _remove_mean(self, x):
        ext = self.model.external
        with self._paused():  # part of the solve's entry
            type(ext).remove_mean(ext, x)

    # -- replay -----------------------------------------------------------------------
    def backward(self):
        """Run the adjoints of the recorded entries, last first, on ``self.adjoints``."""
        with self._paused():
            for entry in reversed(self.entries):
                entry.backward(self)

    def forward_tangent(self):
        """Replay the recorded entries' tangent-linear on ``self.tangents`` (dual numbers)."""
        with self._paused():
            for entry in self.entries:
                entry.tangent(self)

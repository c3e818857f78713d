"""Gradients of a loss over a rollout of N steps, with binomial checkpointing.

A :class:`Rollout` runs the model N steps forward from its current state, keeping at
most ``snapshots`` copies of the state (``ocean.adjoint.revolve``), and walks back: each
step is re-run with a :class:`~ocean.adjoint.tape.Tape` just before its adjoint. The loss
is a sum of terms on the states after chosen steps (:class:`Loss`); its gradient comes
back with respect to the initial state, the physical parameters and whatever else the
recorded kernels read (forcing fields, closures' weights).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .revolve import schedule
from .tape import Tape


class Loss:
    """A sum of terms on the states after steps 1..N. Subclasses give, for the state
    after ``step`` steps, the term's value and add its gradient to the adjoint arrays
    (``adjoints.of(array)`` is the adjoint of a model array)."""

    def term(self, model, step: int, adjoints) -> float:  # pragma: no cover - interface
        raise NotImplementedError


class Snapshot:
    """A copy of everything a step reads that earlier steps wrote: the state arrays, the
    step counter, the model time and the time-level indices."""

    def __init__(self, model):
        st, b = model.state, model.backend
        self.arrays = {n: b.xp.array(a, copy=True) for n, a in st.arrays.items()}
        self.scalars = (st.itt, st.time, st.taum1, st.tau, st.taup1)

    def restore(self, model):
        st, b = model.state, model.backend
        for name, arr in self.arrays.items():
            b.copy(st.arrays[name], arr)
        st.itt, st.time, st.taum1, st.tau, st.taup1 = self.scalars


@dataclass
class Gradient:
    """The loss and its gradient. ``state``: adjoint of every state array at the start
    (full arrays, all time levels, host); ``scalars``: by (kernel, argument) for scalar
    parameters; ``tape``: the adjoint arrays of any other model array
    (``tape.adjoints.of(array)``)."""

    loss: float
    state: dict
    scalars: dict
    tape: Tape = field(repr=False)
    forward_steps: int = 0
    recorded_steps: int = 0


class DeferredSeeds:
    """Stands in for the adjoint arrays while a loss term is evaluated during a recorded
    forward sweep: its gradient is kept and added when the reverse pass reaches it."""

    def __init__(self, backend):
        self.backend, self.held = backend, []

    def of(self, view):
        arr = self.backend.zeros(view.shape)
        self.held.append((view, arr))
        return arr

    def backward(self, tape):
        for view, arr in self.held:
            tape.adjoints.of(view)[...] += arr


class Rollout:
    """``Rollout(model, steps, snapshots).gradient(loss)``: loss and gradient over
    ``steps`` steps from the model's current state (the model is left at the end).

    With ``snapshots >= steps`` nothing is recomputed: every step is recorded in one
    sweep and the tape (memory growing with the steps) is run backwards."""

    def __init__(self, model, steps: int, snapshots: int):
        if steps < 1:
            raise ValueError(f"a rollout needs at least one step, got {steps}")
        if snapshots < 1:
            raise ValueError(f"checkpointing needs at least one snapshot, got {snapshots}")
        self.model, self.steps, self.snapshots = model, steps, snapshots

    def gradient(self, loss: Loss) -> Gradient:
        if self.snapshots >= self.steps:
            return self._gradient_recorded(loss)
        return self._gradient_checkpointed(loss)

    def _gradient_recorded(self, loss: Loss) -> Gradient:
        m = self.model
        tape = Tape(m)
        total = 0.0
        with tape.record():
            for step in range(self.steps):
                m.step()
                seeds = DeferredSeeds(m.backend)
                total += loss.term(m, step + 1, seeds)
                tape.entries.append(seeds)
        end = Snapshot(m)
        tape.backward()
        return self._result(tape, total, end, 0, self.steps)

    def _result(self, tape, total, end, advanced, recorded) -> Gradient:
        m = self.model
        state = {
            n: m.backend.to_host(tape.adjoints.of(a)).copy() for n, a in m.state.arrays.items()
        }
        end.restore(m)
        return Gradient(total, state, dict(tape.scalar_gradients), tape, advanced, recorded)

    def _gradient_checkpointed(self, loss: Loss) -> Gradient:
        m = self.model
        tape = Tape(m)
        stored: dict[int, Snapshot] = {}
        total, advanced, recorded = 0.0, 0, 0
        end = None
        for action in schedule(self.steps, self.snapshots):
            kind, step = action[0], action[1]
            if kind == "store":
                stored[step] = Snapshot(m)
            elif kind == "restore":
                stored[step].restore(m)
            elif kind == "free":
                del stored[step]
            elif kind == "advance":
                for _ in range(step, action[2]):
                    m.step()
                advanced += action[2] - step
            else:  # reverse: record the step, seed the loss after it, run the adjoint
                tape.clear()
                with tape.record():
                    m.step()
                recorded += 1
                if step == self.steps - 1:
                    end = Snapshot(m)
                total += loss.term(m, step + 1, tape.adjoints)
                tape.backward()
        return self._result(tape, total, end, advanced, recorded)

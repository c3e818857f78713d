"""Online ("a posteriori") training of an ONNX closure through rollouts of the model.

Windows of a reference trajectory (e.g. a coarse-grained fine run): the model starts from
a window's first state, runs ``steps`` steps with the closure, and the loss is the misfit
of its fields against the reference at the window's later samples. The gradient with
respect to the closure's weights comes from the checkpointed adjoint
(:class:`~ocean.adjoint.rollout.Rollout`) and the closure's native ONNX executor; Adam
updates the weights, with gradient clipping; the result is written back as ``.onnx``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocean.errors import SetupError

from .losses import FieldMisfit, KineticEnergyMisfit, LossSum
from .rollout import Rollout, Snapshot

#: fields a window's start state may set (the Adams-Bashforth tendencies d<field> restart)
START_FIELDS = ("u", "v", "temp", "salt")


@dataclass
class Window:
    """A start state and targets: ``start`` {field: interior array}, ``targets``
    {step: {field: interior array}} (steps after the start)."""

    start: dict
    targets: dict


def windows_from_samples(samples: dict, steps_between: int, length: int, fields=None):
    """Windows of ``length`` samples after a start sample, from ``samples`` {field: array
    [sample, k, j, i]} taken every ``steps_between`` model steps. A window starts from
    every field of the samples; its targets are ``fields`` (default: all)."""
    fields = list(fields or samples)
    n = len(next(iter(samples.values())))
    out = []
    for s0 in range(0, n - length):
        start = {f: a[s0] for f, a in samples.items()}
        targets = {
            steps_between * d: {f: samples[f][s0 + d] for f in fields} for d in range(1, length + 1)
        }
        out.append(Window(start, targets))
    return out


def start_from(model, fields: dict, base=None):
    """Put ``fields`` (interior arrays) into every time level, zero the Adams-Bashforth
    tendencies and the surface pressure, and rebuild density and w: a cold start from a
    reference state (fields not given come from the snapshot ``base``, if any)."""
    st, b = model.state, model.backend
    if base is not None:
        base.restore(model)
    for name, values in fields.items():
        st.set(name, np.asarray(values, dtype=float))
    for name in ("du", "dv", "psi", *("d" + t for t in st.tracers)):
        b.fill(st.arrays[name], 0.0)
    st.itt, st.time = 0, 0.0
    model._initialise_diagnostics()


class Adam:
    """Adam (Kingma & Ba 2015) on a dict of arrays, with its state for checkpoints."""

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.lr, self.betas, self.eps = lr, betas, eps
        self.t, self.m, self.v = 0, {}, {}

    def step(self, params: dict, grads: dict) -> dict:
        b1, b2 = self.betas
        self.t += 1
        out = {}
        for name, p in params.items():
            g = grads[name]
            self.m[name] = b1 * self.m.get(name, 0.0 * g) + (1 - b1) * g
            self.v[name] = b2 * self.v.get(name, 0.0 * g) + (1 - b2) * g * g
            m_hat = self.m[name] / (1 - b1**self.t)
            v_hat = self.v[name] / (1 - b2**self.t)
            out[name] = (p - self.lr * m_hat / (v_hat**0.5 + self.eps)).astype(p.dtype)
        return out

    def state(self) -> dict:
        arrays = {f"m/{n}": np.asarray(a) for n, a in self.m.items()}
        arrays.update({f"v/{n}": np.asarray(a) for n, a in self.v.items()})
        return {"t": np.array(self.t), **arrays}

    def load(self, state: dict):
        self.t = int(state["t"])
        self.m = {k[2:]: state[k] for k in state if k.startswith("m/")}
        self.v = {k[2:]: state[k] for k in state if k.startswith("v/")}


def clip_global_norm(grads: dict, max_norm: float) -> tuple[dict, float]:
    """Scale ``grads`` so their global L2 norm is at most ``max_norm``; (grads, norm)."""
    norm = float(
        np.sqrt(sum(float(np.sum(np.asarray(g, dtype=float) ** 2)) for g in grads.values()))
    )
    if max_norm > 0 and norm > max_norm:
        grads = {n: g * (max_norm / norm) for n, g in grads.items()}
    return grads, norm


class OnlineTrainer:
    """Trains ``closure`` (an :class:`~ocean.plugins.onnx_closure.OnnxClosure` bound to
    ``model``) on ``windows``: ``train(epochs, batch)``, then ``save(path)``."""

    def __init__(self, model, closure, windows, snapshots=5, lr=1e-4, clip=1.0, weights=None,
                 energy_weight=0.0):  # fmt: skip
        if not windows:
            raise SetupError("online training needs at least one window of reference data")
        self.model, self.closure, self.windows = model, closure, windows
        self.snapshots, self.clip, self.weights = snapshots, clip, weights or {}
        self.energy_weight = energy_weight
        self.executor = closure.enable_training()
        self.optimizer = Adam(lr=lr)
        self.history: list[dict] = []
        self.base = Snapshot(model)  # what a window does not set (e.g. salinity)

    def loss(self, window: Window):
        """The field misfit at the window's targets, plus the kinetic-energy misfit
        (``energy_weight`` > 0; needs u and v among the targets)."""
        misfit = FieldMisfit(window.targets, self.weights)
        if self.energy_weight <= 0.0:
            return misfit
        return LossSum(misfit, KineticEnergyMisfit(window.targets, self.energy_weight))

    def loss_and_gradient(self, window: Window):
        """Loss of one window and its gradient with respect to the closure's weights."""
        start_from(self.model, window.start, self.base)
        steps = max(window.targets)
        self.closure.zero_gradients()
        grad = Rollout(self.model, steps, min(self.snapshots, steps)).gradient(self.loss(window))
        return grad.loss, {n: g for n, g in self.closure.gradients.items()}

    def train_step(self, batch: list[Window]) -> dict:
        total, summed = 0.0, None
        for window in batch:
            loss, grads = self.loss_and_gradient(window)
            total += loss
            summed = grads if summed is None else {n: summed[n] + g for n, g in grads.items()}
        grads = {n: g / len(batch) for n, g in summed.items()}
        grads, norm = clip_global_norm(grads, self.clip)
        params = self.optimizer.step(self.executor.parameters(), grads)
        self.executor.set_parameters(params)
        return {"loss": total / len(batch), "grad_norm": norm}

    def train(self, epochs: int, batch_size: int = 1, seed: int = 0, progress=True,
              checkpoint: Path | None = None):  # fmt: skip
        from tqdm import tqdm

        rng = np.random.default_rng(seed)
        order_len = len(self.windows)
        bar = tqdm(total=epochs * -(-order_len // batch_size), disable=not progress,
                   desc="online training")  # fmt: skip
        for epoch in range(epochs):
            order = rng.permutation(order_len)
            for b0 in range(0, order_len, batch_size):
                batch = [self.windows[i] for i in order[b0 : b0 + batch_size]]
                record = self.train_step(batch) | {"epoch": epoch}
                self.history.append(record)
                bar.set_postfix(loss=f"{record['loss']:.4g}", grad=f"{record['grad_norm']:.3g}")
                bar.update()
            if checkpoint is not None:
                self.save_checkpoint(checkpoint)
        bar.close()
        return self.history

    def save_checkpoint(self, path: Path):
        """Optimizer state, weights and history, written to a temporary name and renamed."""
        path = Path(path)
        params = {f"p/{n}": np.asarray(a) for n, a in self.executor.parameters().items()}
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, **self.optimizer.state(), **params,
                     history=np.array(json.dumps(self.history)))  # fmt: skip
        os.replace(tmp, path)

    def load_checkpoint(self, path: Path):
        with np.load(path) as data:
            state = {k: data[k] for k in data.files}
        self.optimizer.load(state)
        self.executor.set_parameters({k[2:]: v for k, v in state.items() if k.startswith("p/")})
        self.history = json.loads(str(state["history"]))

    def save(self, path, note: str = ""):
        """Write the trained weights back as a valid ``.onnx`` (metadata kept)."""
        updates = {"ocean.training": note or f"online, {len(self.history)} updates"}
        self.executor.write(path, metadata_updates=updates)


def read_samples(path, fields, dt):
    """{field: array [sample, k, j, i]} and the steps between samples from a data file:
    the loss ``fields`` (required) and any of u, v, temp, salt it also holds (start state)."""
    path = Path(path)
    if not path.is_file():
        raise SetupError(f"training data {path} does not exist")
    with np.load(path) as data:
        missing = [f for f in (*fields, "time_days") if f not in data.files]
        if missing:
            raise SetupError(f"{path}: no {missing}; it has {sorted(data.files)}")
        names = dict.fromkeys([*fields, *(f for f in START_FIELDS if f in data.files)])
        samples = {f: np.asarray(data[f], dtype=float) for f in names}
        days = np.asarray(data["time_days"], dtype=float)
    if days.size < 2:
        raise SetupError(f"{path}: needs at least two samples, has {days.size}")
    gaps = np.diff(days) * 86400.0 / dt
    steps = int(round(gaps[0]))
    if steps < 1 or not np.allclose(gaps, steps, atol=1e-6):
        raise SetupError(
            f"{path}: samples must be a whole, constant number of time steps apart "
            f"(dt_tracer {dt:g} s); the gaps are {np.unique(np.round(gaps, 3))} steps"
        )
    return samples, steps


def train_from_files(args):
    """``ocean train``: build the model with the closure, train, write the result."""
    from ocean.loader import load_setup
    from ocean.model import Model
    from ocean.plugins.onnx_closure import OnnxClosure

    closure = OnnxClosure(args.closure)
    model = Model(load_setup(args.setup)(), settings=dict(args.overrides), closures=[closure])
    fields = [f.strip() for f in args.fields.split(",") if f.strip()]
    samples, steps = read_samples(args.data, fields, model.settings.dt_tracer)
    windows = windows_from_samples(samples, steps, args.window, fields)
    if not windows:
        raise SetupError(f"{args.data}: fewer samples than a window of {args.window} + 1")
    trainer = OnlineTrainer(model, closure, windows, args.snapshots, args.lr, args.clip)
    checkpoint = Path(args.checkpoint) if args.checkpoint else None
    if args.resume:
        if checkpoint is None or not checkpoint.is_file():
            raise SetupError("--resume needs an existing --checkpoint file")
        trainer.load_checkpoint(checkpoint)
    history = trainer.train(args.epochs, args.batch, progress=not args.quiet,
                            checkpoint=checkpoint)  # fmt: skip
    trainer.save(args.out)
    if not args.quiet:
        print(f"trained {len(history)} updates; loss {history[0]['loss']:.4g} -> "
              f"{history[-1]['loss']:.4g}; wrote {args.out}")  # fmt: skip

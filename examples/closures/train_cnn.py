"""Train a small CNN on the subgrid momentum forcing and export it as an ONNX closure.

The network maps the coarse velocities of one level to the subgrid forcing of that level
(levels are a batch: the same 2-D network at every depth):

    x = (u, v) / input_scale                        network input, 2 channels    [1]
    y = net(x)                                      3 x (3x3 conv), ReLU between [1]
    (S_u, S_v) = y * output_scale + output_mean     momentum tendency            [m s-2]

``net`` is Conv(2->W) ReLU Conv(W->W) ReLU Conv(W->2), 3x3 kernels, 'same' zero padding:
receptive field r = 3 cells. Training sees what the model's ONNX loader does: the level's
interior with a halo of r cells (zero beyond the closed walls) goes in, the output's halo
is cropped, so the zero padding of every layer lies beyond the halo and does not reach the
cells kept. input_mean is 0 on purpose: a zero in the normalised input is then a zero
velocity, the value the model keeps beyond a wall. Loss: mean squared error of
the normalised target over wet points (maskU for S_u, maskV for S_v); the last 20 % of the
samples in time are held out and give the validation R^2 per channel,

    R^2 = 1 - sum (S - S_pred)^2 / sum (S - mean S)^2     (wet points, physical units).

The trained network is exported with ``torch.onnx.export`` (opset 17, dynamic N, H, W),
the closure contract's metadata is added with ``onnx``, the file is checked with
``onnx.checker`` and onnxruntime (its output equals torch's to float32 round-off) and
written to a temporary name and renamed.

    python examples/closures/train_cnn.py --data build/closures/training_data.npz \\
        --out examples/closures/double_gyre_cnn.onnx
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("u", "v")
TARGETS = ("Su", "Sv")


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=ROOT / "build/closures/training_data.npz")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "double_gyre_cnn.onnx")
    p.add_argument("--epochs", type=int, default=150)
    p.add_argument("--width", type=int, default=32, help="hidden channels")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--val-fraction", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    return p.parse_args(argv)


def network(width: int = 32) -> nn.Sequential:
    """Three 3x3 convolutions, 'same' zero padding: receptive field 3 cells."""
    return nn.Sequential(
        nn.Conv2d(2, width, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(width, width, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(width, 2, 3, padding=1),
    )


def receptive_field(net: nn.Sequential) -> int:
    return sum((m.kernel_size[0] - 1) // 2 for m in net if isinstance(m, nn.Conv2d))


def predict(net, x, r: int):
    """net on x [N, C, J, I] given a zero halo of r cells, the halo cropped from the output
    (as the model runs the exported graph on a closed basin)."""
    y = net(nn.functional.pad(x, (r, r, r, r)))
    return y[..., r : y.shape[-2] - r, r : y.shape[-1] - r]


def load(path: Path, val_fraction: float):
    """(x, y, mask) train and validation sets as [sample*level, channel, J, I] float32."""
    d = np.load(path)
    n = d["u"].shape[0]
    x = np.stack([d[c] for c in CHANNELS], axis=2)  # [sample, k, channel, J, I]
    y = np.stack([d[c] for c in TARGETS], axis=2)
    mask = np.stack([d["maskU"], d["maskV"]], axis=1)[None]  # [1, k, channel, J, I]
    mask = np.broadcast_to(mask, x.shape)
    n_val = max(1, int(round(val_fraction * n))) if n > 1 else 0
    n_train = n - n_val if n > 1 else 1

    def flat(a):
        return np.array(a.reshape(-1, *a.shape[2:]), dtype=np.float32)  # a writable copy

    sets = {}
    for name, part in (("train", slice(0, n_train)), ("val", slice(n_train, n))):
        if name == "val" and n_val == 0:  # one sample: validate on it (smoke runs only)
            part = slice(0, n)
        sets[name] = tuple(flat(a[part]) for a in (x, y, mask))
    meta = {
        "grid_spacing": float(d["grid_spacing"]),
        "factor": int(d["factor"]),
        "target": str(d["target"]) if "target" in d else "advection",
        "samples": n,
        "train": n_train,
    }
    return sets, meta


def normalisation(x, y, mask):
    """Per channel over wet points: input scale (RMS; mean 0), output mean and std."""
    w = mask.sum(axis=(0, 2, 3))
    in_scale = np.sqrt((mask * x**2).sum(axis=(0, 2, 3)) / w)
    out_mean = (mask * y).sum(axis=(0, 2, 3)) / w
    out_scale = np.sqrt((mask * (y - out_mean[None, :, None, None]) ** 2).sum(axis=(0, 2, 3)) / w)
    return np.zeros(2), in_scale, out_mean, out_scale


def r2_per_channel(y, pred, mask):
    res = (mask * (y - pred) ** 2).sum(axis=(0, 2, 3))
    mean = (mask * y).sum(axis=(0, 2, 3)) / mask.sum(axis=(0, 2, 3))
    tot = (mask * (y - mean[None, :, None, None]) ** 2).sum(axis=(0, 2, 3))
    return 1.0 - res / tot


class Scaled(nn.Module):
    """The network in physical units, for evaluation: S = net(x / s_in) * s_out + m_out."""

    def __init__(self, net, norm):
        super().__init__()
        self.net = net
        c = [torch.tensor(a, dtype=torch.float32)[None, :, None, None] for a in norm]
        self.in_mean, self.in_scale, self.out_mean, self.out_scale = c

    def forward(self, x):
        y = predict(self.net, (x - self.in_mean) / self.in_scale, receptive_field(self.net))
        return y * self.out_scale + self.out_mean


def train(sets, norm, args):
    torch.manual_seed(args.seed)
    net = network(args.width)
    r = receptive_field(net)
    x, y, m = (torch.from_numpy(a) for a in sets["train"])
    xv, yv, mv = (torch.from_numpy(a) for a in sets["val"])
    tin = [torch.tensor(a, dtype=torch.float32)[None, :, None, None] for a in norm]

    def normed(x, y):
        return (x - tin[0]) / tin[1], (y - tin[2]) / tin[3]

    xn, yn = normed(x, y)
    xvn, yvn = normed(xv, yv)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, args.epochs))
    best, best_state, history = float("inf"), None, []
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(xn.shape[0])
        total = 0.0
        for start in range(0, len(order), args.batch):
            idx = order[start : start + args.batch]
            loss = ((predict(net, xn[idx], r) - yn[idx]) ** 2 * m[idx]).sum() / m[idx].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        net.eval()
        with torch.no_grad():
            val = (((predict(net, xvn, r) - yvn) ** 2 * mv).sum() / mv.sum()).item()
        history.append((total / len(order), val))
        if val < best:
            best, best_state = val, {k: v.clone() for k, v in net.state_dict().items()}
        if epoch % max(1, args.epochs // 15) == 0 or epoch == args.epochs - 1:
            print(f"epoch {epoch:4d}  train {history[-1][0]:.4f}  val {val:.4f}", flush=True)
    net.load_state_dict(best_state)
    net.eval()
    return net, history


def export(net, norm, meta, path: Path, description: str):
    """ONNX file with the closure contract's metadata, checked, written atomically."""
    tmp = path.with_name(path.name + ".tmp")
    example = torch.zeros(1, 2, 16, 16)
    axes = {0: "N", 2: "H", 3: "W"}
    with warnings.catch_warnings():  # the TorchScript exporter needs no onnxscript
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            net, (example,), str(tmp), opset_version=17, input_names=["x"], output_names=["y"],
            dynamic_axes={"x": axes, "y": axes}, dynamo=False,
        )  # fmt: skip
    model = onnx.load(str(tmp))

    def floats(a):
        return ",".join(f"{float(v):.9g}" for v in a)

    props = {
        "ocean.inputs": ",".join(CHANNELS),
        "ocean.outputs": ",".join(CHANNELS),
        "ocean.input_mean": floats(norm[0]),
        "ocean.input_scale": floats(norm[1]),
        "ocean.output_mean": floats(norm[2]),
        "ocean.output_scale": floats(norm[3]),
        "ocean.receptive_field": str(receptive_field(net)),
        "ocean.grid_spacing": f"{meta['grid_spacing']:g}",
        "ocean.input_units": "m s-1,m s-1",
        "ocean.output_units": "m s-2,m s-2",
        "ocean.description": description,
    }
    onnx.helper.set_model_props(model, props)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(tmp))
    os.replace(tmp, path)
    return props


def check_onnx(path: Path, net, x: np.ndarray) -> float:
    """Largest |onnxruntime - torch| relative to max |torch| (input x in network units)."""
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for xi in (x, np.pad(x, ((0, 0), (0, 0), (3, 3), (3, 3)))):  # also a haloed size
        got = sess.run(None, {sess.get_inputs()[0].name: xi})[0]
        with torch.no_grad():
            want = net(torch.from_numpy(xi)).numpy()
        worst = max(worst, float(np.abs(got - want).max() / np.abs(want).max()))
    if worst > 1e-5:
        raise RuntimeError(f"onnxruntime differs from torch by {worst:.2e} (relative)")
    return worst


def main(argv=None):
    args = parse(argv)
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    sets, meta = load(args.data, args.val_fraction)
    norm = normalisation(*sets["train"])
    net, history = train(sets, norm, args)
    xv, yv, mv = sets["val"]
    with torch.no_grad():
        pred = Scaled(net, norm)(torch.from_numpy(xv)).numpy()
    r2 = r2_per_channel(yv, pred, mv)
    print(f"validation R^2: S_u {r2[0]:.3f}, S_v {r2[1]:.3f}", flush=True)
    description = (
        f"CNN closure for the double gyre: subgrid momentum forcing S = C(F(u_f)) - "
        f"F(C(u_f)), F = {meta['target']}, of the 25 km run coarse-grained by "
        f"{meta['factor']} to "
        f"{meta['grid_spacing'] / 1e3:g} km (transport-conserving face average); "
        f"3 conv 3x3, width {args.width}; {meta['train']} of {meta['samples']} daily samples "
        f"x levels for training; validation R^2 S_u {r2[0]:.3f}, S_v {r2[1]:.3f}; "
        "examples/closures/train_cnn.py"
    )
    props = export(net, norm, meta, args.out, description)
    xn = (xv[: min(len(xv), 10)] - norm[0][None, :, None, None]) / norm[1][None, :, None, None]
    err = check_onnx(args.out, net, xn.astype(np.float32))
    summary = {
        "r2_val": {"S_u": float(r2[0]), "S_v": float(r2[1])},
        "final_loss": {"train": history[-1][0], "val": history[-1][1]},
        "best_val_loss": min(h[1] for h in history),
        "onnx_vs_torch_rel": err,
        "onnx_bytes": args.out.stat().st_size,
        "wall_s": round(time.perf_counter() - t0, 1),
        "args": {k: str(v) for k, v in vars(args).items()},
        "metadata": props,
    }
    args.out.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.out} ({summary['onnx_bytes']} bytes), onnx-torch {err:.1e}", flush=True)
    return {"net": net, "norm": norm, "r2": r2, "summary": summary}


if __name__ == "__main__":
    main()

"""What the online-training example's scripts share: the coarse model, the reference."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "closures"))
from coarse_grain import double_gyre  # noqa: E402

DAY = 86400.0
COARSE_KM = 50.0
COARSE_DT = 2880.0  # 30 steps a day: the daily reference samples fall on whole steps
#: the coarse runs are differentiable: DST3 tracer advection (superbee has kinks)
COARSE_SETTINGS = {"dt_mom": COARSE_DT, "dt_tracer": COARSE_DT, "tracer_advection": "dst3",
                   "check_interval": 200}  # fmt: skip
OFFLINE = ROOT / "examples" / "closures" / "double_gyre_cnn.onnx"
ONLINE = ROOT / "examples" / "training" / "double_gyre_cnn_online.onnx"


def coarse_model(closure=None, **settings):
    """The 50 km double gyre (DST3, dt 2880 s), with ``closure`` (a path) if given."""
    extra = {"closures": str(closure)} if closure else {}
    return double_gyre(COARSE_KM, **COARSE_SETTINGS, **extra, **settings)


def load_reference(path):
    """(time_days, {field: array [sample, k, j, i]}) of ``make_reference.py``'s file."""
    with np.load(path) as data:
        return data["time_days"], {k: data[k] for k in ("u", "v", "temp", "salt")}


def split(days, fields, train_days):
    """(training part, held-out part) of the reference: before and from day
    first + ``train_days``."""
    cut = int(np.searchsorted(days, days[0] + train_days - 1e-6))
    first = {k: v[: cut + 1] for k, v in fields.items()}
    rest = {k: v[cut:] for k, v in fields.items()}
    return (days[: cut + 1], first), (days[cut:], rest)

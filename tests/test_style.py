"""House rules that keep the code base honest (ARCHITECTURE.md, style anchors)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    p for d in ("kernels", "backends", "ocean", "examples") for p in (ROOT / d).rglob("*.py")
]


def test_no_literal_halo_slices():
    pattern = re.compile(r"\[\s*-?\d+\s*:\s*-\d+")
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in SOURCES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not hits, f"hard-coded halo slices: {hits}"


def test_modules_stay_small():
    long = [
        f"{p.relative_to(ROOT)} ({n})"
        for p in SOURCES
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert not long, f"modules over 400 lines: {long}"


def test_kernel_names_are_unique_and_documented():
    import importlib

    from ocean.kernels.core import KERNELS

    for name in (
        "advection",
        "eos",
        "friction",
        "halo",
        "momentum",
        "pressure",
        "tracers",
        "vertical",
    ):
        importlib.import_module(f"ocean.kernels.{name}")
    names = [k.name for k in KERNELS.values()]
    assert len(names) == len(set(names))
    undocumented = [k.name for k in KERNELS.values() if not (k.py_func.__doc__ or "").strip()]
    assert not undocumented, f"kernels without a docstring: {undocumented}"

"""Backends: where arrays live and how kernels are launched."""

from __future__ import annotations

import os

BACKENDS = ("cpu", "cuda")


def get_backend(name: str | None = None):
    """Return a backend by name (``cpu`` or ``cuda``); default ``$OCEAN_BACKEND`` or cpu."""
    name = (name or os.environ.get("OCEAN_BACKEND") or "cpu").lower()
    if name == "cpu":
        from .cpu import CpuBackend

        return CpuBackend()
    if name == "cuda":
        from .cuda import CudaBackend

        return CudaBackend()
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")

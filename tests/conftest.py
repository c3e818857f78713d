"""Test configuration: caches inside the build tree, helpers to load example setups."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / "build" / "numba-cache"))
os.environ.setdefault("OCEAN_CACHE_DIR", str(ROOT / "build" / "ocean-cache"))
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

EXAMPLES = ROOT / "examples"


@pytest.fixture
def example_setup():
    """Return the Setup class of ``examples/<name>.py``."""
    from ocean.loader import load_setup

    def load(name):
        return load_setup(EXAMPLES / f"{name}.py")

    return load

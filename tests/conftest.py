"""Test configuration: caches inside the build tree, helpers to load example setups."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / "build" / "numba-cache"))
os.environ.setdefault("OCEAN_CACHE_DIR", str(ROOT / "build" / "ocean-cache"))
os.environ.setdefault("MPLBACKEND", "Agg")
# test workers (pytest-xdist, ``make test``) share the cores: Numba threads beyond each
# worker's share would spin against the other workers' (set before Numba is imported)
_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _workers > 1:
    os.environ.setdefault("NUMBA_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // _workers)))
    if "numba" in sys.modules:
        # pytest imported Numba already (the filterwarnings setting names a Numba warning
        # class), so Numba read its settings before the line above. Read them again now,
        # before any thread starts: Numba rereads them at its next compilation, and
        # refuses a new thread count once a cached parallel kernel has started threads
        from numba.core import config as _numba_config

        _numba_config.reload_config()

import pytest  # noqa: E402

EXAMPLES = ROOT / "examples"


@pytest.fixture
def example_setup():
    """Return the Setup class of ``examples/<name>.py``."""
    from ocean.loader import load_setup

    def load(name):
        return load_setup(EXAMPLES / f"{name}.py")

    return load

"""Run a Python script in numba-cuda's simulator: ``NUMBA_ENABLE_CUDASIM`` must be set
before numba.cuda is first imported, so the CUDA side runs in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_in_simulator(script, *args, timeout=600):
    """Run ``script`` with this folder and ``args`` as its arguments; fail with its stderr."""
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    done = subprocess.run(
        [sys.executable, "-c", script, str(HERE), *map(str, args)],
        capture_output=True, text=True, env=env, timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done

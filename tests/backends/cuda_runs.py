"""Run a Python snippet in a new process, for the CUDA side of a comparison:
``NUMBA_ENABLE_CUDASIM`` must be set (or unset) before numba.cuda is first imported."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_python(code, *args, env_extra=None, drop=()):
    """``python -c code args`` in the repository root, with ``env_extra`` set and the
    variables in ``drop`` removed from this process's environment."""
    return start_python(code, *args, env_extra=env_extra, drop=drop).finish()


class PythonProcess(subprocess.Popen):
    """A started ``python -c``; ``finish()`` waits for it as ``subprocess.run`` would."""

    def finish(self, timeout=600):
        try:
            stdout, stderr = self.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        return subprocess.CompletedProcess(self.args, self.returncode, stdout, stderr)


def start_python(code, *args, env_extra=None, drop=()):
    """Start ``python -c code args`` as ``run_python`` runs it, without waiting for it."""
    env = dict(os.environ, **(env_extra or {}))
    for name in drop:
        env.pop(name, None)
    return PythonProcess(
        [sys.executable, "-c", code, *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip

"""Starting the MPI scripts of these tests with the mpich wheel's ``mpiexec``."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "mpi_run.py"


def mpiexec_path() -> str:
    """The ``mpiexec`` beside this Python (the ``mpi`` extra's mpich), else on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None:
        raise RuntimeError(
            "no mpiexec: the MPI tests need the mpi extra (pip install -e '.[mpi]'), whose "
            "mpich wheel provides mpiexec"
        )
    return found


def mpirun(ranks: int, *args, timeout: float = 240, check: bool = True):
    """Run ``args`` (a command after the launcher) on ``ranks`` ranks; return the result."""
    cmd = [mpiexec_path(), "-n", str(ranks), *map(str, args)]
    env = dict(os.environ)
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def run_script(ranks: int, *args, **kwargs):
    return mpirun(ranks, sys.executable, SCRIPT, *args, **kwargs)

"""Every adjoint kernel's dot-product test in numba-cuda's simulator (one subprocess:
``NUMBA_ENABLE_CUDASIM`` must be set before numba.cuda is imported)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from adjoint_cases import all_cases

HERE = Path(__file__).resolve().parent
DOT_PRODUCT_TOLERANCE = 1e-12  # as on the CPU

CODE = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {here!r})
    from adjoint_cases import all_cases, run_case
    from ocean.backends import get_backend
    backend = get_backend("cuda")
    out = {{}}
    for name in all_cases():
        r = run_case(name, backend)
        out[name] = [r.forward, r.adjoint, r.relative_error]
    print(json.dumps(out))
    """
)


@pytest.mark.cudasim
def test_adjoints_in_cuda_simulator():
    pytest.importorskip("numba.cuda")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    res = subprocess.run(
        [sys.executable, "-c", CODE.format(here=str(HERE))],
        capture_output=True, text=True, env=env, timeout=1200,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    results = json.loads(res.stdout.strip().splitlines()[-1])
    assert sorted(results) == all_cases()
    for name, (forward, adjoint, error) in results.items():
        assert error <= DOT_PRODUCT_TOLERANCE, (name, forward, adjoint)
        assert forward != 0.0, name  # the case exercised the kernel

"""The adjoint of a whole step on 2 ranks: the dot-product test summed over the ranks
(halo exchanges send adjoints back to their owners; the solve's dot products are global).
"""

import numpy as np
import pytest
from helpers import run_script

#: as on one rank (tests/adjoint/test_tape.py): the solve to 1e-13 bounds the mismatch
TOLERANCE = 1e-12


@pytest.mark.parametrize(
    "settings",
    [
        {"decomp_x": 2, "decomp_y": 1},
        {"decomp_x": 1, "decomp_y": 2, "external_mode": "rigid_lid", "tracer_advection": "dst3",
         "A_hbi": 1e10, "r_quad_bot": 1e-3},
    ],
)  # fmt: skip
def test_step_adjoint_on_two_ranks(tmp_path, settings):
    out = tmp_path / "dot.npz"
    args = [x for name, value in settings.items() for x in ("-s", name, value)]
    run_script(2, "adjoint", out, *args, timeout=900)
    result = np.load(out)
    assert result["layout"].tolist() == [settings["decomp_x"], settings["decomp_y"]]
    forward, adjoint = result["dot"]
    assert abs(forward - adjoint) <= TOLERANCE * abs(forward), (forward, adjoint)

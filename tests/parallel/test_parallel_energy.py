"""The energy budget's sums (ocean/io/energy.py) do not depend on the decomposition: the
same state, read from one restart on one and on two ranks, gives bit-identical terms
(exact global sums of per-cell products, rounded once)."""

import json
import sys

from conftest import EXAMPLES
from helpers import mpirun

from ocean import Model
from ocean.io.restart import write_restart
from ocean.loader import load_setup

SMALL = {"nx": 8, "ny": 42}

SCRIPT = """
import json, sys
from ocean import Model
from ocean.comm import MpiComm, SerialComm
from ocean.io.energy import budget
from ocean.io.restart import read_restart
from ocean.loader import load_setup

comm = MpiComm()
comm = comm if comm.size > 1 else SerialComm()
settings = {{**{small}, "decomp_x": comm.size, "decomp_y": 1}}
model = Model(load_setup({setup!r})(), backend="cpu", settings=settings, comm=comm)
read_restart(model, sys.argv[1])
terms = budget(model)
if comm.rank == 0:
    with open(sys.argv[2], "w") as f:
        json.dump({{n: v.hex() for n, v in terms.items()}}, f)
"""


def test_terms_are_the_same_on_two_ranks(tmp_path):
    model = Model(load_setup(EXAMPLES / "acc.py")(), backend="cpu", settings=SMALL)
    model.run(3)
    restart = tmp_path / "acc.restart.h5"
    write_restart(model, restart)
    script = tmp_path / "energy_terms.py"
    script.write_text(SCRIPT.format(small=SMALL, setup=str(EXAMPLES / "acc.py")))
    results = []
    for ranks in (1, 2):
        out = tmp_path / f"terms-{ranks}.json"
        mpirun(ranks, sys.executable, script, restart, out, timeout=120)
        results.append(json.loads(out.read_text()))
    one, two = results
    assert one.keys() == two.keys() and {"k_m", "tke_m", "dtke_m", "K_diss_v_m"} <= one.keys()
    assert float.fromhex(one["tke_m"]) != 0.0
    assert one == two

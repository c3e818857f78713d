"""Whole runs on 1, 2 and 4 ranks: the same answer whatever the decomposition.

With ``reproducible_sums`` (the default) global sums are exact, so every layout must give
the bit-identical state after 20 steps; without them the sums of the pressure solver
differ in the last bits and the states agree to round-off (``PLAIN_SUM_TOLERANCE``,
measured and justified beside it). Restarts written on 4 ranks continue on 1 and 2
ranks bit-identically; an error on one rank stops every rank with its message.
"""

import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr
from helpers import mpirun, run_script

STEPS = 20
LAYOUTS = [(2, (2, 1)), (2, (1, 2)), (4, (2, 2)), (4, (4, 1))]


def run(tmp_path, setup, ranks, layout=None, steps=STEPS, settings=(), tag="", **restart):
    out = tmp_path / f"{Path(setup).stem}-{ranks}-{layout}-{tag}.npz"
    args = ["model", setup, out, steps]
    if layout is not None:
        args += ["-s", "decomp_x", layout[0], "-s", "decomp_y", layout[1]]
    for name, value in settings:
        args += ["-s", name, value]
    for key, path in restart.items():
        args += [f"--{key.replace('_', '-')}", path]
    run_script(ranks, *args)
    return dict(np.load(out))


@pytest.fixture(scope="module")
def one_rank(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("one-rank")
    return {setup: run(tmp, setup, 1) for setup in ("acc", "double_gyre")}


def assert_identical(a, b):
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name]), f"{name} differs"
        # the run did something: the fields moved away from a state at rest
    barotropic = "streamfunction" if "streamfunction" in a else "psi"  # ACC: streamfunction
    assert np.abs(a["u"]).max() > 0 and np.abs(a[barotropic]).max() > 0


@pytest.mark.parametrize("setup", ["acc", "double_gyre"])
@pytest.mark.parametrize("ranks, layout", LAYOUTS)
def test_decomposed_run_is_bit_identical(tmp_path, one_rank, setup, ranks, layout):
    assert_identical(run(tmp_path, setup, ranks, layout), one_rank[setup])


def test_direct_elliptic_solver_is_bit_identical_on_four_ranks(tmp_path):
    """The direct solver gathers the right-hand side and solves on rank 0: the ACC's
    streamfunction run is the same on one rank and on 2 x 2 blocks."""
    direct = [("elliptic_solver", "direct")]
    one = run(tmp_path, "acc", 1, settings=direct, tag="direct")
    assert_identical(run(tmp_path, "acc", 4, (2, 2), settings=direct, tag="direct"), one)


PROGNOSTIC = ("u", "v", "psi", "streamfunction", "dpsi", "temp", "salt", "rho", "tke", "eke")
#: diagnosed from the tracers at every level (energy-conserving path): relative to themselves
FROM_TRACERS = ("Hd", "int_drhodT", "int_drhodS")
#: round-off growth over the run without sum-order independence: 1e-12 where the
#: coefficients do not depend on the flow (double gyre, measured 2e-13), 2e-11 with the TKE
#: closure (ACC), whose mixing length (sqrt(2 E) / sqrt(max(N^2, 1e-12))), Richardson
#: number and limits feed a last-bit change of the pressure solve back into kappaM: measured
#: 9e-14 on u with the ACC's TKE off, 1.7e-12 on u and 5.8e-12 on tke with it on
PLAIN_SUM_TOLERANCE = {"acc": 2e-11, "double_gyre": 1e-12}


def term_scale(state, name):
    """Size of the terms a diagnosed field is a difference of (its round-off is relative to
    them, not to the field, which can be ~0: dsalt of a uniform salinity is pure round-off):
    w ~ U dz / dx (continuity), dX ~ U X / dx (advection), N^2 ~ g rho / (rho_0 dz). For
    du, dv the Coriolis and pressure terms are larger still; their own size is used then."""
    speed = max(np.abs(state["u"]).max(), np.abs(state["v"]).max())
    dx, dz = float(state["min_dx"]), state["dzt"]
    if name == "w":
        return speed * dz.max() / dx
    if name == "Nsqr":
        return 9.81 * np.abs(state["rho"]).max() / (1024.0 * dz.min())
    if name == "K_diss_v":  # shear times stress: a product, its round-off relative to itself
        return np.abs(state[name]).max()
    source = {"du": "u", "dv": "v"}.get(name, name[1:])
    return speed * np.abs(state[source]).max() / dx


@pytest.mark.parametrize("setup", ["acc", "double_gyre"])
def test_plain_sums_agree_to_round_off(tmp_path, setup):
    """Plain (order-dependent) sums: the state agrees to round-off. The solver's dot
    products change in the last bit with the summation order, and 20 steps grow that by
    the amounts of ``PLAIN_SUM_TOLERANCE``."""
    plain = [("reproducible_sums", "false")]
    a = run(tmp_path, setup, 1, settings=plain, tag="plain")
    b = run(tmp_path, setup, 4, (2, 2), settings=plain, tag="plain")
    assert any(not np.array_equal(a[n], b[n]) for n in PROGNOSTIC), "sums were exact anyway"
    for name in a:
        if a[name].ndim < 3:
            continue
        scale = np.abs(a[name]).max()
        if name not in PROGNOSTIC + FROM_TRACERS:  # terms at least as large as their sum
            scale = max(scale, term_scale(a, name))
        assert np.abs(a[name] - b[name]).max() <= PLAIN_SUM_TOLERANCE[setup] * scale, name


def test_block_of_land_only_changes_nothing(tmp_path):
    setup = str(Path(__file__).resolve().parent / "land_block_setup.py")
    one = run(tmp_path, setup, 1)
    three = run(tmp_path, setup, 3, (3, 1))  # the eastern block (x >= 8 cells) is all land
    assert np.all(one["temp"][..., 8:] == 0.0)  # land is land
    assert_identical(three, one)


@pytest.mark.parametrize("ranks, layout", [(1, None), (2, (1, 2)), (6, (3, 2))])
def test_restart_from_four_ranks_continues_bit_identically(tmp_path, one_rank, ranks, layout):
    restart = tmp_path / "four.h5"
    run(tmp_path, "acc", 4, (2, 2), steps=STEPS // 2, restart_out=restart, tag="first")
    second = run(tmp_path, "acc", ranks, layout, steps=STEPS // 2, restart_in=restart)
    assert int(second["itt"]) == STEPS
    assert_identical(second, one_rank["acc"])


BOX = """
import numpy as np
from ocean import Setup
from ocean.errors import SetupError

class Box(Setup):
    name = "box"
    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 8, 8, 2
        s.dt_mom = s.dt_tracer = 600.0
        s.check_interval = 1
    def set_grid(self, grid):
        grid.dxt, grid.dyt, grid.dzt = np.full(8, 1e4), np.full(8, 1e4), np.array([75.0, 75.0])
    def set_coriolis(self, grid):
        grid.coriolis_t = 1e-4
    def set_initial_conditions(self, state):
        state.set("temp", 10.0)
        state.set("salt", 35.0)
        if {fail_setup} and state.grid.j0 > 0:
            raise SetupError("the forcing file has no data for the northern blocks")
    def after_timestep(self, state):
        if state.itt == 3 and state.grid.i0 > 0 and state.grid.j0 > 0:
            state.arrays["temp"][state.taup1][1, 3, 2] = np.nan if {nan} else 10.0
"""


def ocean_run(tmp_path, ranks, *args, fail_setup=False, nan=False):
    setup = tmp_path / "box.py"
    setup.write_text(BOX.format(fail_setup=fail_setup, nan=nan))
    cmd = [sys.executable, "-m", "ocean", "run", setup, "--quiet", "--output-dir", tmp_path, *args]
    return mpirun(ranks, *cmd, timeout=120, check=False)


def test_error_on_one_rank_stops_every_rank_with_its_message(tmp_path):
    result = ocean_run(tmp_path, 4, "--steps", "4", "--decomp", "2", "2", fail_setup=True)
    assert result.returncode != 0
    assert "the forcing file has no data for the northern blocks" in result.stderr
    assert "[rank 2 of 4]" in result.stderr or "[rank 3 of 4]" in result.stderr


def test_nan_on_one_rank_stops_every_rank_naming_the_global_cell(tmp_path):
    result = ocean_run(tmp_path, 4, "--steps", "8", "--decomp", "2", "2", nan=True)
    assert result.returncode == 1, result.stderr
    # block (1, 1) starts at global (j, i) = (4, 4); halo 2: local (3, 2) is interior (1, 0)
    assert result.stderr.count("temp is not finite at k=1") == 1, result.stderr
    assert "j=5, i=4" in result.stderr and "at step 3" in result.stderr
    assert "Abort" not in result.stderr  # every rank stopped by itself


def test_cli_output_on_four_ranks_equals_one_rank(tmp_path):
    acc = str(Path(__file__).resolve().parents[2] / "examples" / "acc.py")
    common = ["--steps", "6", "--quiet", "-s", "snapshot_frequency", str(2 * 43200.0)]
    one, four = tmp_path / "one", tmp_path / "four"
    subprocess.run([sys.executable, "-m", "ocean", "run", acc, "--output-dir", one, *common],
                   check=True, timeout=120)  # fmt: skip
    cmd = [sys.executable, "-m", "ocean", "run", acc, "--output-dir", four, "--decomp", "2", "2"]
    mpirun(4, *cmd, *common, timeout=120)
    a, b = xr.open_dataset(one / "acc.snapshot.nc"), xr.open_dataset(four / "acc.snapshot.nc")
    assert a.sizes == b.sizes and a.sizes["time"] >= 3
    # the ACC's streamfunction on the corners, gathered from 2 x 2 blocks, is compared too
    assert "streamfunction" in a.data_vars and "ssh" not in a.data_vars
    for var in a.data_vars:
        assert np.array_equal(a[var].values, b[var].values, equal_nan=True), var
    with h5py.File(one / "acc.restart.h5") as ra, h5py.File(four / "acc.restart.h5") as rb:
        assert ra.attrs["grid"] == rb.attrs["grid"] and sorted(ra) == sorted(rb)
        for name in ra:
            assert np.array_equal(ra[name][...], rb[name][...]), name

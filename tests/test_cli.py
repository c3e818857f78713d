"""The ``ocean`` command end to end, and every bad input the issue names.

Runs that must show the real exit status and files go through ``python -m ocean`` in a
subprocess; bad input that fails before the first step calls ``ocean.cli.main`` in
process (the same code, without the interpreter start-up).
"""

import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

from ocean.cli import main

ROOT = Path(__file__).resolve().parent.parent
ACC = str(ROOT / "examples" / "acc.py")
SMALL = ["-s", "nx", "8", "-s", "ny", "10", "-s", "nz", "7"]

BOX = """
import numpy as np
from ocean import Setup

class Box(Setup):
    name = "box"
    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 6, 6, 2
        s.dt_mom = s.dt_tracer = 600.0
        s.check_interval = 1
        s.restart_frequency = 1200.0
    def set_grid(self, grid):
        grid.dxt, grid.dyt, grid.dzt = np.full(6, 1e4), np.full(6, 1e4), np.array([75.0, 75.0])
    def set_coriolis(self, grid):
        grid.coriolis_t = 1e-4
    def set_initial_conditions(self, state):
        state.set("temp", 10.0); state.set("salt", 35.0); state.set("u", {u})
    def after_timestep(self, state):
        if state.itt == {nan_at}:  # a blow-up in temperature at step {nan_at}
            state.arrays["temp"][state.taup1, 0, 4, 5] = float("nan")
"""


def ocean(*args, cwd=None):
    """``python -m ocean ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "ocean", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=600,
    )  # fmt: skip


@pytest.fixture
def cli(capsys):
    """``ocean ARGS`` in this process: (exit status, stdout, stderr)."""

    def call(*args):
        try:
            rc = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse usage errors
            rc = exit_.code
        out, err = capsys.readouterr()
        return rc, out, err

    return call


def box(tmp_path, u=0.0, nan_at=-1, name="box.py"):
    path = tmp_path / name
    path.write_text(BOX.format(u=u, nan_at=nan_at))
    return path


def test_run_and_plot_end_to_end(tmp_path):
    res = ocean(
        "run", "examples/acc.py", "--steps", "10", "--output-dir", tmp_path, *SMALL,
        "-s", "averages_frequency", "86400", "-s", "averages_sampling", "1",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    for suffix in ("snapshot.nc", "averages.nc", "restart.h5"):
        assert (tmp_path / f"acc.{suffix}").is_file()
    assert not list(tmp_path.glob("*.tmp"))
    with xr.open_dataset(tmp_path / "acc.snapshot.nc", engine="h5netcdf") as ds:
        assert ds.sizes["time"] == 2  # the initial state and day 5 (10 steps of 12 h)
    with xr.open_dataset(tmp_path / "acc.averages.nc", engine="h5netcdf") as ds:
        assert ds.sizes["time"] == 5  # five 1-day means
    png = tmp_path / "q.png"
    res = ocean("plot", tmp_path / "acc.snapshot.nc", "--var", "temp", "--out", png)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == str(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_options_and_bad_plot_input(tmp_path, cli):
    res = ocean("run", "examples/acc.py", "--steps", "1", "--output-dir", tmp_path, *SMALL)
    assert res.returncode == 0, res.stderr
    nc = tmp_path / "acc.snapshot.nc"
    rc, out, _ = cli("plot", nc, "--var", "u", "--level", "bottom", "--time", "0")
    assert rc == 0 and out.strip().endswith("acc.snapshot.u.png")
    assert (tmp_path / "acc.snapshot.u.png").is_file()
    rc, _, err = cli("plot", nc, "--var", "tmep")
    assert rc == 2 and "has no variable 'tmep'; it has temp, salt" in err
    rc, _, err = cli("plot", nc, "--level", "middle")
    assert rc == 2 and "--level must be 'top', 'bottom' or an integer" in err
    rc, _, err = cli("plot", nc, "--level", "7")
    assert rc == 2 and "level 7 is outside the 7 levels" in err
    rc, _, err = cli("plot", nc, "--time", "5")
    assert rc == 2 and "time index 5 is outside the 2 records" in err
    rc, _, err = cli("plot", tmp_path / "none.nc")
    assert rc == 2 and "no such output file" in err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["-s", "dt_tracr", "10"], "unknown setting 'dt_tracr'; did you mean 'dt_tracer'"),
        (["-s", "nx", "many"], "setting 'nx': expected int, got str 'many'"),
        (["-s", "A_h", "-5"], "setting 'A_h': -5.0 is below the allowed range"),
        (
            ["-s", "tracer_advection", "upwind"],
            "choose one of ['centred', 'superbee', 'dst3', 'dst3_limited']",
        ),
        (["--steps", "-3"], "--steps must be >= 0"),
        (["--restart", "nothere.h5"], "restart file 'nothere.h5' does not exist"),
    ],
)
def test_bad_settings_fail_before_the_first_step(tmp_path, cli, extra, message):
    rc, _, err = cli("run", ACC, "--output-dir", tmp_path, *SMALL, *extra)
    assert rc == 2
    assert err.startswith("ocean: error: ") and err.count("\n") == 1  # one line
    assert message in err
    assert not list(tmp_path.iterdir())  # nothing ran, nothing written


def test_steps_and_days_are_exclusive(cli):
    rc, _, err = cli("run", ACC, "--steps", "1", "--days", "1")
    assert rc == 2
    assert err.count("\n") == 1  # one line
    assert "argument --days: not allowed with argument --steps" in err


def test_setup_file_without_setup(tmp_path, cli):
    bad = tmp_path / "empty.py"
    bad.write_text("x = 1\n")
    rc, _, err = cli("run", bad)
    assert rc == 2 and "defines no Setup subclass" in err
    rc, _, err = cli("run", tmp_path / "nothere.py")
    assert rc == 2 and "does not exist" in err


def test_restart_from_another_grid_fails_before_the_first_step(tmp_path, cli):
    rc, _, err = cli("run", ACC, "--steps", "2", "--output-dir", tmp_path, *SMALL, "--quiet")
    assert rc == 0, err
    other = tmp_path / "other"
    rc, _, err = cli(
        "run", ACC, "--steps", "2", "--output-dir", other, *SMALL,
        "-s", "nx", "9", "--restart", tmp_path / "acc.restart.h5",
    )  # fmt: skip
    assert rc == 2
    assert "is for a grid of (nz, ny, nx) = (7, 10, 8)" in err
    assert "this run has (7, 10, 9)" in err
    assert not other.exists()  # failed before anything was written


def test_cfl_blow_up_names_variable_place_step_and_keeps_restart(tmp_path):
    good, bad = box(tmp_path, name="good.py"), box(tmp_path, u=20.0, name="bad.py")
    # 20 m/s x 600 s / 10 km: Courant number 1.2
    assert ocean("run", good, "--steps", "3", "--output-dir", tmp_path, "--quiet").returncode == 0
    restart = tmp_path / "box.restart.h5"
    before = restart.read_bytes()
    res = ocean("run", bad, "--steps", "3", "--output-dir", tmp_path, "--quiet")
    assert res.returncode == 1
    assert res.stderr.startswith("ocean: stopped: u/v/w violates the CFL limit")
    assert "at step 1" in res.stderr and "k=" in res.stderr and "x=" in res.stderr
    assert f"last good restart: {restart}" in res.stderr
    assert restart.read_bytes() == before


def test_nan_blow_up_keeps_the_restart_of_the_same_run(tmp_path):
    bad = box(tmp_path, nan_at=4)  # restarts every 2 steps, NaN at step 4
    res = ocean("run", bad, "--steps", "6", "--output-dir", tmp_path, "--quiet")
    assert res.returncode == 1, res.stderr
    assert "temp is not finite at k=0 (z=" in res.stderr
    assert "j=2, i=3" in res.stderr and "at step 4," in res.stderr  # interior indices
    with h5py.File(tmp_path / "box.restart.h5") as f:  # the one of step 2, not step 4
        assert f.attrs["itt"] == 2
        assert np.isfinite(f["temp"][...]).all()
    with xr.open_dataset(tmp_path / "box.snapshot.nc", engine="h5netcdf") as ds:
        assert ds.sizes["time"] == 1  # the initial state, complete and readable


def test_run_length_from_days_and_runlen(tmp_path, cli):
    path = box(tmp_path)
    rc, out, err = cli("run", path, "--days", 1800 / 86400, "--output-dir", tmp_path)
    assert rc == 0, err
    assert "box: 3 steps to day 0.02" in out
    assert "SYPD" in err and "day 0.0" in err  # the progress bar
    rc, out, err = cli("run", path, "-s", "runlen", "1200", "--output-dir", tmp_path, "--quiet")
    assert rc == 0 and out == "" and err == ""
    with h5py.File(tmp_path / "box.restart.h5") as f:
        assert f.attrs["itt"] == 2 and f.attrs["time"] == 1200.0


def test_settings_listing(cli, tmp_path):
    rc, out, _ = cli("settings")
    assert rc == 0 and "dt_tracer" in out and "m2 s-1" in out
    assert "tracer time step (model time step)" in out
    assert ocean("settings").stdout == out  # python -m ocean is the same command

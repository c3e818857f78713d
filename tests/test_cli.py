"""The ``ocean`` command end to end, and every bad input the issue names."""

import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["-s", "nx", "8", "-s", "ny", "10", "-s", "nz", "4"]

BOX = """
import numpy as np
from ocean import Setup

class Box(Setup):
    name = "box"
    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 6, 6, 2
        s.dt_mom = s.dt_tracer = 600.0
        s.check_interval = 1
    def set_grid(self, grid):
        grid.dxt, grid.dyt, grid.dzt = np.full(6, 1e4), np.full(6, 1e4), np.array([100.0, 50.0])
    def set_coriolis(self, grid):
        grid.coriolis_t = 1e-4
    def set_initial_conditions(self, state):
        state.set("temp", 10.0); state.set("salt", 35.0); state.set("u", {u})
"""


def ocean(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "ocean", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=600,
    )  # fmt: skip


def test_run_and_plot_end_to_end(tmp_path):
    res = ocean("run", "examples/acc.py", "--steps", "10", "--output-dir", tmp_path, *SMALL)
    assert res.returncode == 0, res.stderr
    for suffix in ("snapshot.nc", "averages.nc", "restart.h5"):
        assert (tmp_path / f"acc.{suffix}").is_file()
    with xr.open_dataset(tmp_path / "acc.snapshot.nc", engine="h5netcdf") as ds:
        assert float(ds["time"].size) >= 2
    png = tmp_path / "q.png"
    res = ocean("plot", tmp_path / "acc.snapshot.nc", "--var", "temp", "--out", png)
    assert res.returncode == 0, res.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "extra, message",
    [
        (["-s", "dt_tracr", "10"], "unknown setting 'dt_tracr'; did you mean 'dt_tracer'"),
        (["-s", "nx", "many"], "setting 'nx': expected int, got str 'many'"),
        (["-s", "A_h", "-5"], "setting 'A_h': -5.0 is below the allowed range"),
        (["-s", "tracer_advection", "upwind"], "choose one of ['centred', 'superbee']"),
        (["--steps", "-3"], "--steps must be >= 0"),
    ],
)
def test_bad_settings_fail_before_the_first_step(tmp_path, extra, message):
    res = ocean("run", "examples/acc.py", "--output-dir", tmp_path, *SMALL, *extra)
    assert res.returncode == 2
    assert message in res.stderr
    assert not (tmp_path / "acc.snapshot.nc").exists()  # nothing ran


def test_steps_and_days_are_exclusive(tmp_path):
    res = ocean("run", "examples/acc.py", "--steps", "1", "--days", "1")
    assert res.returncode == 2 and "not allowed with argument" in res.stderr


def test_setup_file_without_setup(tmp_path):
    bad = tmp_path / "empty.py"
    bad.write_text("x = 1\n")
    res = ocean("run", bad)
    assert res.returncode == 2 and "defines no Setup subclass" in res.stderr
    res = ocean("run", tmp_path / "nothere.py")
    assert res.returncode == 2 and "does not exist" in res.stderr


def test_restart_from_another_grid_fails_before_the_first_step(tmp_path):
    first = ocean("run", "examples/acc.py", "--steps", "2", "--output-dir", tmp_path, *SMALL)
    assert first.returncode == 0
    other = tmp_path / "other"
    res = ocean(
        "run", "examples/acc.py", "--steps", "2", "--output-dir", other, *SMALL,
        "-s", "nx", "9", "--restart", tmp_path / "acc.restart.h5",
    )  # fmt: skip
    assert res.returncode == 2 and "is for a grid of (nz, ny, nx) = (4, 10, 8)" in res.stderr


def test_blow_up_names_variable_place_step_and_keeps_restart(tmp_path):
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(BOX.format(u=0.0))
    bad.write_text(BOX.format(u=20.0))  # 20 m/s x 600 s / 10 km: Courant 1.2
    assert ocean("run", good, "--steps", "3", "--output-dir", tmp_path, "--quiet").returncode == 0
    restart = tmp_path / "box.restart.h5"
    before = restart.read_bytes()
    res = ocean("run", bad, "--steps", "3", "--output-dir", tmp_path, "--quiet")
    assert res.returncode == 1
    assert "violates the CFL limit" in res.stderr
    assert "at step 1" in res.stderr and "k=" in res.stderr and "x=" in res.stderr
    assert restart.read_bytes() == before


def test_settings_listing():
    res = ocean("settings")
    assert res.returncode == 0 and "dt_tracer" in res.stdout and "m2 s-1" in res.stdout

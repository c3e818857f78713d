"""Restarts: bitwise continuation and refusal of another grid."""

import h5py
import numpy as np
import pytest

from ocean import Model
from ocean.errors import SetupError
from ocean.io.restart import read_restart, write_restart

SMALL = {"nx": 8, "ny": 10, "nz": 7}
FIELDS = ("u", "v", "w", "temp", "salt", "psi", "rho", "streamfunction", "dpsi")


def test_restart_continues_bit_for_bit(example_setup, tmp_path):
    acc = example_setup("acc")
    full = Model(acc(), settings=SMALL)
    full.run(10)
    first = Model(acc(), settings=SMALL)
    first.run(5)
    write_restart(first, tmp_path / "acc.restart.h5")
    second = Model(acc(), settings=SMALL)
    read_restart(second, tmp_path / "acc.restart.h5")
    assert (second.state.itt, second.state.tau) == (5, first.state.tau)
    second.run(5)
    assert second.state.time == full.state.time and second.state.itt == 10
    for name in FIELDS:
        for level in ("taum1", "tau"):
            a = full.state.get(name, level, halo=True)
            b = second.state.get(name, level, halo=True)
            assert np.array_equal(a, b), f"{name} at {level} differs after the restart"
    with h5py.File(tmp_path / "acc.restart.h5") as f:
        assert (f.attrs["nx"], f.attrs["ny"], f.attrs["nz"], f.attrs["halo"]) == (8, 10, 7, 2)
        assert f["u"].shape == (3, 7, 14, 12)  # every time level, with halo


def test_restart_from_another_grid_is_refused(example_setup, tmp_path):
    acc = example_setup("acc")
    model = Model(acc(), settings=SMALL)
    write_restart(model, tmp_path / "r.h5")
    other = Model(acc(), settings={**SMALL, "nx": 12})
    before = other.state.get("temp")
    with pytest.raises(SetupError, match=r"grid of \(nz, ny, nx\) = \(7, 10, 8\).*\(7, 10, 12\)"):
        read_restart(other, tmp_path / "r.h5")
    assert np.array_equal(other.state.get("temp"), before) and other.state.itt == 0
    shifted = Model(acc(), settings={**SMALL, "y_origin": -30.0})
    with pytest.raises(SetupError, match="same size .* other coordinates or topography"):
        read_restart(shifted, tmp_path / "r.h5")
    with pytest.raises(SetupError, match="does not exist"):
        read_restart(other, tmp_path / "missing.h5")
    (tmp_path / "junk.h5").write_text("not hdf5")
    with pytest.raises(SetupError, match="not a readable HDF5 file"):
        read_restart(other, tmp_path / "junk.h5")


def test_restart_write_leaves_no_temporary(example_setup, tmp_path):
    model = Model(example_setup("acc")(), settings=SMALL)
    write_restart(model, tmp_path / "acc.restart.h5")
    write_restart(model, tmp_path / "acc.restart.h5")  # replaces the file in place
    assert [p.name for p in tmp_path.iterdir()] == ["acc.restart.h5"]


def test_runner_restart_continues_bit_for_bit(example_setup, tmp_path):
    """The same through ``run_model`` (output, checks and restart writes in between)."""
    from ocean.runner import run_model

    acc = example_setup("acc")
    settings = {**SMALL, "snapshot_frequency": 86400.0, "restart_frequency": 86400.0}
    full = Model(acc(), settings=settings)
    run_model(full, 10, tmp_path / "full", quiet=True)
    first = Model(acc(), settings=settings)
    run_model(first, 5, tmp_path / "split", quiet=True)
    second = Model(acc(), settings=settings)
    run_model(second, 5, tmp_path / "split", restart=tmp_path / "split/acc.restart.h5", quiet=True)
    for name in ("u", "v", "temp", "salt", "psi"):
        assert np.array_equal(full.state.get(name), second.state.get(name)), name
    with (
        h5py.File(tmp_path / "full/acc.restart.h5") as a,
        h5py.File(tmp_path / "split/acc.restart.h5") as b,
    ):
        assert a.attrs["itt"] == b.attrs["itt"] == 10
        for name in ("u", "v", "temp", "salt", "psi"):
            assert np.array_equal(a[name][...], b[name][...]), name


def test_restart_read_with_a_wider_halo(example_setup, tmp_path):
    """A run that adds a closure with a wider receptive field (halo 3 for Leith) continues
    from a halo-2 restart: every field's interior as written, halos from the exchange
    (periodic in x for the ACC), and the continued run is bit for bit the one that kept
    halo 2 (the halo width changes nothing but the storage)."""
    acc = example_setup("acc")
    first = Model(acc(), settings=SMALL)
    first.run(5)
    write_restart(first, tmp_path / "acc.restart.h5")
    wide = Model(acc(), settings={**SMALL, "halo": 3})
    read_restart(wide, tmp_path / "acc.restart.h5")
    assert (wide.state.itt, wide.state.tau) == (5, first.state.tau)
    for name in FIELDS:
        for level in ("taum1", "tau"):
            a, b = first.state.get(name, level), wide.state.get(name, level)
            assert np.array_equal(a, b), f"{name} at {level}"
    # x-periodic halo cells hold the values of the opposite edge
    u = wide.state.get("u", halo=True)
    h, nx = wide.grid.h, wide.grid.nx
    np.testing.assert_array_equal(u[..., h:-h, :h], u[..., h:-h, nx : nx + h])
    first.run(3)
    wide.run(3)
    for name in FIELDS:
        assert np.array_equal(first.state.get(name), wide.state.get(name)), name

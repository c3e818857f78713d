"""NetCDF output: readable by xarray, CF metadata, values equal to the model state.

The ACC runs the streamfunction (a rigid lid): its files hold the barotropic
streamfunction at the cells' corners (yu, xu) and no ssh or surface_pressure; a free
surface run writes those two and no streamfunction.
"""

import numpy as np
import pytest
import xarray as xr

from ocean import Model
from ocean.errors import SetupError
from ocean.io import fields
from ocean.plot import quicklook
from ocean.runner import run_model

DAY = 86400.0
SMALL = {"nx": 8, "ny": 10, "nz": 7}  # ACC: dt_tracer = 12 h
#: two rows more reach the land barrier north of 20S: corners that touch only land
WITH_BARRIER = {**SMALL, "ny": 12}


def interior3(model, mask):
    return getattr(model.grid, mask)[(slice(None),) + model.grid.interior] > 0


def test_snapshot_matches_state(example_setup, tmp_path):
    model = Model(example_setup("acc")(), settings={**SMALL, "snapshot_frequency": DAY})
    run_model(model, 4, tmp_path, quiet=True)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["acc.averages.nc", "acc.restart.h5", "acc.snapshot.nc"]  # no .tmp left
    with xr.open_dataset(tmp_path / "acc.snapshot.nc", engine="h5netcdf") as ds:
        assert ds["temp"].dims == ("time", "z", "y", "x")
        assert ds["streamfunction"].dims == ("time", "yu", "xu")
        assert "ssh" not in ds and "surface_pressure" not in ds
        assert ds["temp"].attrs["units"] == "degC"
        assert ds["temp"].attrs["standard_name"] == "sea_water_potential_temperature"
        assert ds["u"].attrs["standard_name"] == "sea_water_x_velocity"
        assert ds["u"].attrs["location"] == "east face of the cell"
        assert ds["x"].attrs["units"] == "degrees_east"
        assert ds["y"].attrs["units"] == "degrees_north"
        assert ds["z"].attrs["units"] == "m" and ds["z"].attrs["positive"] == "up"
        assert ds.sizes["time"] == 3  # days 0, 1, 2
        np.testing.assert_array_equal(ds["x"].values, model.grid.xt[model.grid.interior[1]])
        np.testing.assert_array_equal(ds["z"].values, model.grid.zt)
        # decoded time: the noleap calendar starts on 0001-01-01, so day 2 is Jan 3
        assert [t.day for t in ds["time"].values] == [1, 2, 3]
        last = {name: ds[name].values[-1] for name in ds.data_vars}
    fields_and_masks = [("temp", "maskT"), ("salt", "maskT"), ("u", "maskU"), ("v", "maskV")]
    # the ACC setup's TKE closure: its fields marked for output are written too
    fields_and_masks += [("tke", "maskW"), ("mxl", "maskW")]
    for name, mask in fields_and_masks:
        wet = interior3(model, mask)
        np.testing.assert_array_equal(last[name][wet], model.state.get(name)[wet], err_msg=name)
        assert np.all(np.isnan(last[name][~wet])), f"{name}: land must be missing"
    wet = interior3(model, "maskT")
    streamfunction = model.state.get("streamfunction")
    assert np.abs(streamfunction).max() > 1e5  # the channel carries a current [m3 s-1]
    np.testing.assert_array_equal(last["streamfunction"], streamfunction)  # all wet here
    u, v = model.state.get("u", halo=True), model.state.get("v", halo=True)
    j, i = model.grid.interior
    ut = 0.5 * (u[:, j, i] + u[:, j, i.start - 1 : i.stop - 1])
    vt = 0.5 * (v[:, j, i] + v[:, j.start - 1 : j.stop - 1, i])
    np.testing.assert_allclose(
        last["kinetic_energy"][wet], (0.5 * (ut**2 + vt**2))[wet], rtol=1e-15, atol=0
    )
    assert np.abs(last["u"][interior3(model, "maskU")]).max() > 0  # the wind has spun it up


def test_averages_are_time_means(example_setup, tmp_path):
    settings = {**SMALL, "averages_frequency": 2 * DAY, "averages_sampling": 2}
    model = Model(example_setup("acc")(), settings=settings)
    run_model(model, 4, tmp_path, quiet=True)
    with xr.open_dataset(tmp_path / "acc.averages.nc", engine="h5netcdf") as ds:
        assert ds.sizes["time"] == 1  # 4 steps of 12 h: one 2-day mean
        assert float(ds["time"].values[0].day) == 3  # stamped at its end, day 2
        names = ("temp", "u", "streamfunction", "kinetic_energy")
        means = {name: ds[name].values[0] for name in names}
    replay = Model(example_setup("acc")(), settings=settings)
    samples = {name: [] for name in means}
    for step in range(1, 5):
        replay.step()
        if step % 2 == 0:  # sampled every 2nd step: steps 2 and 4
            for name in means:
                samples[name].append(fields.compute(replay, name))
    for name, mean in means.items():
        np.testing.assert_allclose(mean, np.mean(samples[name], axis=0), rtol=1e-14, err_msg=name)


def test_continued_run_appends_to_its_output(example_setup, tmp_path):
    settings = {**SMALL, "snapshot_frequency": DAY}
    first = Model(example_setup("acc")(), settings=settings)
    run_model(first, 2, tmp_path, quiet=True)  # snapshots at days 0 and 1
    second = Model(example_setup("acc")(), settings=settings)
    run_model(second, 2, tmp_path, restart=tmp_path / "acc.restart.h5", quiet=True)
    with xr.open_dataset(tmp_path / "acc.snapshot.nc", engine="h5netcdf", decode_times=False) as ds:
        np.testing.assert_array_equal(ds["time"].values, [0.0, 1.0, 2.0])
        temp = ds["temp"].values[-1]
    wet = interior3(second, "maskT")
    np.testing.assert_array_equal(temp[wet], second.state.get("temp")[wet])
    assert not list(tmp_path.glob("*.tmp"))


def test_streamfunction_on_the_corners(example_setup, tmp_path):
    model = Model(example_setup("acc")(), settings={**WITH_BARRIER, "snapshot_frequency": DAY})
    run_model(model, 2, tmp_path, quiet=True)
    g = model.grid
    with xr.open_dataset(tmp_path / "acc.snapshot.nc", engine="h5netcdf") as ds:
        psi = ds["streamfunction"]
        assert psi.dims == ("time", "yu", "xu")
        assert psi.attrs["units"] == "m3 s-1"
        assert psi.attrs["standard_name"] == "ocean_barotropic_streamfunction"
        assert psi.attrs["location"] == "north-east corner of the cell"
        assert "U = -d(psi)/dy, V = d(psi)/dx" in psi.attrs["comment"]
        np.testing.assert_array_equal(ds["xu"].values, g.xu[g.interior[1]])
        np.testing.assert_array_equal(ds["yu"].values, g.yu[g.interior[0]])
        assert ds["xu"].attrs["units"] == "degrees_east" and ds["xu"].attrs["axis"] == "X"
        assert ds["yu"].attrs["units"] == "degrees_north" and ds["yu"].attrs["axis"] == "Y"
        written, u = psi.values[-1], ds["u"].values[-1]
    # the written corners: those touching a wet T cell (the coast ring included)
    wet = g.maskT[-1] > 0
    touches = wet[:-1, :-1] | wet[:-1, 1:] | wet[1:, :-1] | wet[1:, 1:]
    j, i = g.interior
    touches = touches[j, i]
    assert not touches.all()  # the barrier's corners away from the sea
    state = model.state.get("streamfunction")
    np.testing.assert_array_equal(written[touches], state[touches])
    assert np.all(np.isnan(written[~touches]))
    # the sign convention of the comment: the depth-integrated u is -d(psi)/dy
    transport = np.nansum(u * g.dzt[:, None, None], axis=0)  # [m2 s-1] at U points
    rows = slice(1, None)  # the U points between two written corners
    dy = g.dyt_m[j][rows, None]
    from_psi = -(written[rows] - written[:-1]) / dy
    both = touches[rows] & touches[:-1] & interior3(model, "maskU")[-1][rows]
    np.testing.assert_allclose(transport[rows][both], from_psi[both], rtol=1e-9, atol=1e-9)
    assert np.abs(from_psi[both]).max() > 1.0


def test_free_surface_writes_ssh_and_no_streamfunction(example_setup, tmp_path):
    settings = {**SMALL, "external_mode": "free_surface", "snapshot_frequency": DAY}
    model = Model(example_setup("acc")(), settings=settings)
    run_model(model, 2, tmp_path, quiet=True)
    with xr.open_dataset(tmp_path / "acc.snapshot.nc", engine="h5netcdf") as ds:
        assert ds["ssh"].dims == ("time", "y", "x")
        assert ds["surface_pressure"].attrs["units"] == "Pa"
        assert "streamfunction" not in ds and "xu" not in ds.dims
        ssh, pressure = ds["ssh"].values[-1], ds["surface_pressure"].values[-1]
    wet = interior3(model, "maskT")[-1]
    psi = model.state.get("psi")
    assert np.abs(psi[wet]).max() > 0
    np.testing.assert_array_equal(ssh[wet], (psi / model.settings.grav)[wet])
    np.testing.assert_array_equal(pressure[wet], (psi * model.settings.rho_0)[wet])


def test_ssh_of_a_streamfunction_run_is_refused(example_setup, tmp_path):
    model = Model(example_setup("acc")(), settings=SMALL)
    for name in ("ssh", "surface_pressure"):
        message = f"'{name}' does not exist under external_mode 'streamfunction'"
        with pytest.raises(SetupError, match=message + ".*output fields are temp, .*stream"):
            fields.compute(model, name)
    run_model(model, 1, tmp_path, quiet=True)
    snapshot = tmp_path / "acc.snapshot.nc"
    with pytest.raises(SetupError, match="no variable 'ssh' \\(a run with external_mode "):
        quicklook(snapshot, "ssh")
    assert quicklook(snapshot, "streamfunction").read_bytes()[:4] == b"\x89PNG"

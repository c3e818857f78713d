"""NetCDF output: readable by xarray, CF metadata, values equal to the model state."""

import numpy as np
import xarray as xr

from ocean import Model
from ocean.io import fields
from ocean.runner import run_model


def test_snapshot_matches_state(example_setup, tmp_path):
    model = Model(
        example_setup("acc")(),
        settings={"nx": 8, "ny": 10, "nz": 4, "snapshot_frequency": 86400.0},
    )
    run_model(model, 4, tmp_path, quiet=True)
    ds = xr.open_dataset(tmp_path / "acc.snapshot.nc", engine="h5netcdf")
    assert ds["temp"].dims == ("time", "z", "y", "x")
    assert ds["ssh"].dims == ("time", "y", "x")
    assert ds["temp"].attrs["units"] == "degC"
    assert ds["u"].attrs["standard_name"] == "sea_water_x_velocity"
    assert ds["x"].attrs["units"] == "degrees_east" and ds.sizes["time"] == 3  # days 0, 1, 2
    wet = model.grid.maskT[(slice(None),) + model.grid.interior] > 0
    np.testing.assert_array_equal(ds["temp"].values[-1][wet], model.state.get("temp")[wet])
    assert np.all(np.isnan(ds["temp"].values[-1][~wet]))  # land is missing
    ssh = model.state.get("psi") / model.settings.grav
    np.testing.assert_array_equal(ds["ssh"].values[-1][wet[-1]], ssh[wet[-1]])
    assert ds["time"].values[-1].day == 3  # day 2 of the noleap calendar starting on day 1


def test_averages_are_time_means(example_setup, tmp_path):
    settings = {"nx": 8, "ny": 10, "nz": 4, "averages_frequency": 2 * 86400.0}
    settings["averages_sampling"] = 1
    model = Model(example_setup("acc")(), settings=settings)
    samples = []
    run_model(model, 4, tmp_path, quiet=True)
    ds = xr.open_dataset(tmp_path / "acc.averages.nc", engine="h5netcdf")
    assert ds.sizes["time"] == 1  # 4 steps of 12 h: one 2-day mean
    replay = Model(example_setup("acc")(), settings=settings)
    for _ in range(4):
        replay.step()
        samples.append(fields.compute(replay, "temp"))
    np.testing.assert_allclose(ds["temp"].values[0], np.mean(samples, axis=0), rtol=1e-14)

"""CF-convention NetCDF output (h5netcdf): snapshots and time averages.

Dimensions are (time, z, y, x) on the T-point coordinates; staggered fields keep their
own position, recorded in the ``location`` attribute (U: east face, V: north face,
W: top face of the T cell). Each write opens, appends and closes the file, so the file on
disk is complete after every write; a new file is created under a temporary name first.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5netcdf
import numpy as np

from . import fields as F

LOCATION_TEXT = {
    "T": "cell centre",
    "U": "east face of the cell",
    "V": "north face of the cell",
    "W": "top face of the cell",
    "T2": "cell centre (surface)",
}


class NetcdfWriter:
    def __init__(self, path, model, title):
        self.path = Path(path)
        self.model = model
        self.names = F.output_names(model.state)
        self.count = 0
        self._create(title)

    def _create(self, title):
        m = self.model
        g = m.grid
        tmp = self.path.with_name(self.path.name + ".tmp")
        with h5netcdf.File(tmp, "w") as f:
            f.attrs.update(
                {"Conventions": "CF-1.8", "title": title, "source": "ocean-hybrid",
                 "setup": m.name}
            )  # fmt: skip
            f.dimensions = {"time": None, "z": g.nz, "y": g.ny, "x": g.nx}
            unit_x = "degrees_east" if g.coord_degree else "m"
            unit_y = "degrees_north" if g.coord_degree else "m"
            self._coord(f, "x", g.xt[g.interior[1]], unit_x, "longitude" if g.coord_degree else "x")
            self._coord(f, "y", g.yt[g.interior[0]], unit_y, "latitude" if g.coord_degree else "y")
            z = self._coord(f, "z", g.zt, "m", "depth")
            z.attrs["positive"] = "up"
            t = f.create_variable("time", ("time",), "f8")
            t.attrs.update({"units": "days since 0001-01-01 00:00:00", "calendar": "noleap"})
            t.attrs["standard_name"] = "time"
            for name in self.names:
                var, loc = F.describe(m.state, name)
                dims = ("time", "y", "x") if loc.endswith("2") else ("time", "z", "y", "x")
                v = f.create_variable(name, dims, "f8", fillvalue=np.nan)
                v.attrs.update({"units": var.units, "long_name": var.long_name})
                v.attrs["location"] = LOCATION_TEXT[loc]
                if var.standard_name:
                    v.attrs["standard_name"] = var.standard_name
        os.replace(tmp, self.path)

    @staticmethod
    def _coord(f, name, values, units, long_name):
        v = f.create_variable(name, (name,), "f8", data=np.asarray(values, float))
        v.attrs.update({"units": units, "long_name": long_name, "axis": name.upper()})
        return v

    def write(self, time_seconds, data):
        """Append one record: ``data`` maps every output name to its host array."""
        with h5netcdf.File(self.path, "a") as f:
            n = f.dimensions["time"].size
            f.resize_dimension("time", n + 1)
            f.variables["time"][n] = time_seconds / 86400.0
            for name in self.names:
                f.variables[name][n, ...] = data[name]
        self.count += 1


class Snapshots:
    """Instantaneous fields every ``snapshot_frequency`` of model time."""

    def __init__(self, model, path):
        self.model = model
        self.writer = NetcdfWriter(path, model, f"{model.name} snapshots")

    def write(self):
        m = self.model
        self.writer.write(m.state.time, {n: F.compute(m, n) for n in self.writer.names})


class Averages:
    """Time means over ``averages_frequency``, sampled every ``averages_sampling`` steps.

    The running sums are kept on the host (one device-to-host copy per sample).
    """

    def __init__(self, model, path):
        self.model = model
        self.writer = NetcdfWriter(path, model, f"{model.name} averages")
        self.sums, self.samples = {}, 0

    def sample(self):
        m = self.model
        for name in self.writer.names:
            value = F.compute(m, name)
            self.sums[name] = self.sums.get(name, 0.0) + value
        self.samples += 1

    def write(self):
        if self.samples == 0:
            return
        means = {n: s / self.samples for n, s in self.sums.items()}
        self.writer.write(self.model.state.time, means)
        self.sums, self.samples = {}, 0

"""CF-convention NetCDF output (h5netcdf): snapshots and time averages.

Dimensions are (time, z, y, x) on the T-point coordinates; staggered fields keep their
own position, recorded in the ``location`` attribute (U: east face, V: north face,
W: top face of the T cell). Fields at the cells' north-east corners (the barotropic
streamfunction) have dimensions of their own, (time, yu, xu), whose coordinates are the
positions of the east and north faces; a file has them only when it holds such a field.
Land is NaN (the ``_FillValue``). Each write opens, appends and closes the file, so the
file on disk is complete after every write; a new file is created under a temporary name
first and renamed.

Averages are accumulated with the backend's array module (NumPy, or CuPy on a GPU) on the
full arrays, outside the step: one device-to-host copy per written mean, not per sample.

Under MPI every rank computes its block; rank 0 gathers one field at a time and writes
the one global file (``io/gather.py``). Writers are collective: every rank calls them.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5netcdf
import numpy as np

from . import fields as F
from .gather import gather_interior

LOCATION_TEXT = {
    "T": "cell centre",
    "U": "east face of the cell",
    "V": "north face of the cell",
    "W": "top face of the cell",
    "T2": "cell centre (surface)",
    "U2": "east face of the cell (surface)",
    "V2": "north face of the cell (surface)",
    "Z2": "north-east corner of the cell",
}
TIME_UNITS = "days since 0001-01-01 00:00:00"
CALENDAR = "noleap"  # 365-day years, as model time has no calendar


def dimensions(loc):
    """Dimensions of an output field at ``loc``, time first: corner (Z2) fields on
    (yu, xu), every other field on the T points' (y, x)."""
    horizontal = ("yu", "xu") if loc == "Z2" else ("y", "x")
    return ("time",) + (() if loc.endswith("2") else ("z",)) + horizontal


class NetcdfWriter:
    """One output file. ``append=True`` continues a compatible existing file (restarts)."""

    def __init__(self, path, model, title, append=False):
        self.path = Path(path)
        self.model = model
        self.root = model.comm.rank == 0
        self.names = F.output_names(model.state)
        self.count = 0
        self.last_time = None
        if self.root and not (append and self._can_append()):
            self._create(title)
        self.count, self.last_time = model.comm.bcast((self.count, self.last_time))

    def _can_append(self):
        """True if the existing file has this run's layout and ends at or before now."""
        g = self.model.grid
        try:
            with h5netcdf.File(self.path, "r") as f:
                sizes = {k: d.size for k, d in f.dimensions.items()}
                if (sizes.get("z"), sizes.get("y"), sizes.get("x")) != (
                    g.nz, g.ny_global, g.nx_global,
                ):  # fmt: skip
                    return False
                if any(n not in f.variables for n in self.names):
                    return False
                times = f.variables["time"][...]
        except (OSError, KeyError):
            return False
        if times.size:
            self.last_time = float(times[-1]) * 86400.0
            if self.last_time > self.model.state.time + 1.0:
                return False  # the file runs past the restart: start it afresh
        self.count = int(times.size)
        return True

    def _create(self, title):
        m = self.model
        g = m.grid
        tmp = self.path.with_name(self.path.name + ".tmp")
        with h5netcdf.File(tmp, "w") as f:
            f.attrs.update(
                {"Conventions": "CF-1.8", "title": title, "source": "ocean-hybrid",
                 "setup": m.name}
            )  # fmt: skip
            f.dimensions = {"time": None, "z": g.nz, "y": g.ny_global, "x": g.nx_global}
            deg, h = g.coord_degree, g.h
            x, y = g.xt_global[h : h + g.nx_global], g.yt_global[h : h + g.ny_global]
            self._coord(f, "x", x, "degrees_east" if deg else "m",
                        "longitude" if deg else "x", "longitude" if deg else None)  # fmt: skip
            self._coord(f, "y", y, "degrees_north" if deg else "m",
                        "latitude" if deg else "y", "latitude" if deg else None)  # fmt: skip
            locations = {F.describe(m.state, name)[1] for name in self.names}
            if "Z2" in locations:
                self._corner_coords(f)
            z = self._coord(f, "z", g.zt, "m", "height of the cell centre", "height")
            z.attrs["positive"] = "up"
            t = f.create_variable("time", ("time",), "f8")
            t.attrs.update({"units": TIME_UNITS, "calendar": CALENDAR, "standard_name": "time"})
            t.attrs["long_name"] = "model time"
            for name in self.names:
                var, loc = F.describe(m.state, name)
                v = f.create_variable(name, dimensions(loc), "f8", fillvalue=np.nan)
                v.attrs.update({"units": var.units, "long_name": var.long_name})
                v.attrs["location"] = LOCATION_TEXT[loc]
                if var.standard_name:
                    v.attrs["standard_name"] = var.standard_name
                if var.comment:
                    v.attrs["comment"] = var.comment
        os.replace(tmp, self.path)

    def _corner_coords(self, f):
        """Dimensions and coordinates (yu, xu) of the cells' north-east corners: the
        positions of the interior cells' east and north faces."""
        g = self.model.grid
        deg, h = g.coord_degree, g.h
        f.dimensions.update({"yu": g.ny_global, "xu": g.nx_global})
        xu, yu = g.xu_global[h : h + g.nx_global], g.yu_global[h : h + g.ny_global]
        for name, values, axis, face, units, standard_name in (
            ("xu", xu, "X", "east", "degrees_east", "longitude"),
            ("yu", yu, "Y", "north", "degrees_north", "latitude"),
        ):
            what = standard_name if deg else axis.lower()
            v = self._coord(f, name, values, units if deg else "m",
                            f"{what} of the cell's {face} face",
                            standard_name if deg else None, axis)  # fmt: skip
            v.attrs["c_grid_axis_shift"] = 0.5  # half a cell up the axis from x or y

    @staticmethod
    def _coord(f, name, values, units, long_name, standard_name=None, axis=None):
        v = f.create_variable(name, (name,), "f8", data=np.asarray(values, float))
        v.attrs.update({"units": units, "long_name": long_name, "axis": axis or name.upper()})
        if standard_name:
            v.attrs["standard_name"] = standard_name
        return v

    def write(self, time_seconds, block_field):
        """Append one record; ``block_field(name)`` gives this block's host interior array.
        Collective: each field is gathered to rank 0 and written before the next."""
        f = h5netcdf.File(self.path, "a") if self.root else None
        try:
            if self.root:
                n = f.dimensions["time"].size
                f.resize_dimension("time", n + 1)
                f.variables["time"][n] = time_seconds / 86400.0
            for name in self.names:
                data = gather_interior(self.model, block_field(name))
                if self.root:
                    f.variables[name][n, ...] = data
        finally:
            if self.root:
                f.close()
        self.count += 1
        self.last_time = time_seconds


class Snapshots:
    """Instantaneous fields every ``snapshot_frequency`` of model time."""

    def __init__(self, model, path, append=False):
        self.model = model
        self.writer = NetcdfWriter(path, model, f"{model.name} snapshots", append)

    def write(self):
        m = self.model
        last = self.writer.last_time
        if last is not None and abs(last - m.state.time) < 1e-3 * m.settings.dt_tracer:
            return False  # this time is already in the file (a continued run)
        self.writer.write(m.state.time, lambda name: F.compute(m, name))
        return True


def device_field(model, name):
    """Output field ``name`` at time level tau as a new full-size backend array (no mask)."""
    st, s, xp = model.state, model.settings, model.backend.xp
    tau = st.tau
    F.check_name(st, name)
    if name == "surface_pressure":
        return st.arrays["psi"][tau] * s.rho_0
    if name == "ssh":
        return st.arrays["psi"][tau] / s.grav
    if name == "kinetic_energy":
        u, v = st.arrays["u"][tau], st.arrays["v"][tau]
        ut = 0.5 * (u + xp.roll(u, 1, axis=-1))
        vt = 0.5 * (v + xp.roll(v, 1, axis=-2))
        return 0.5 * (ut * ut + vt * vt)
    return st.arrays[name][tau].copy()


def finish(model, name, full):
    """Host interior array of a full-size field with land set to NaN."""
    g = model.grid
    var, loc = F.describe(model.state, name)
    host = model.backend.to_host(full)[(Ellipsis,) + g.interior]
    return np.where(F.interior_mask(g, loc), host, np.nan)


class Averages:
    """Time means over ``averages_frequency``, sampled every ``averages_sampling`` steps.

    Running sums live on the backend (array operations between steps).
    """

    def __init__(self, model, path, append=False):
        self.model = model
        self.writer = NetcdfWriter(path, model, f"{model.name} averages", append)
        self.sums, self.samples = {}, 0

    def sample(self):
        m = self.model
        for name in self.writer.names:
            value = device_field(m, name)
            if name in self.sums:
                self.sums[name] += value
            else:
                self.sums[name] = value
        self.samples += 1

    def write(self):
        if self.samples == 0:
            return False
        m = self.model
        self.writer.write(m.state.time, lambda n: finish(m, n, self.sums[n]) / self.samples)
        self.sums, self.samples = {}, 0
        return True

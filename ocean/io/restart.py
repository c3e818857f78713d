"""Restarts (HDF5): every field marked ``restart`` at all time levels, the time-level
indices, step count and model time, and a fingerprint of the grid. Written to a temporary
name and renamed, so an interrupted write never replaces a good restart."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import h5py
import numpy as np

from ocean.errors import SetupError


def grid_fingerprint(grid) -> str:
    """Hash of the T coordinates and the topography (same size, other grid: refused)."""
    h = hashlib.sha256()
    for arr in (grid.xt, grid.yt, grid.zt, grid.kbot):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()[:16]


def write_restart(model, path):
    path = Path(path)
    st, g = model.state, model.grid
    tmp = path.with_name(path.name + ".tmp")
    with h5py.File(tmp, "w") as f:
        f.attrs.update(
            {
                "setup": model.name, "itt": st.itt, "time": st.time,
                "taum1": st.taum1, "tau": st.tau, "taup1": st.taup1,
                "shape": (g.nz, g.ny, g.nx), "halo": g.h, "grid": grid_fingerprint(g),
                "nx": g.nx, "ny": g.ny, "nz": g.nz,
            }
        )  # fmt: skip
        for name, var in st.variables.items():
            if var.restart:
                f.create_dataset(name, data=model.backend.to_host(st.arrays[name]))
    os.replace(tmp, path)


def read_restart(model, path):
    """Load a restart into ``model``; a restart of another grid fails before any step."""
    path = Path(path)
    if not path.is_file():
        raise SetupError(f"restart file {str(path)!r} does not exist")
    st, g = model.state, model.grid
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise SetupError(f"restart file {str(path)!r} is not a readable HDF5 file") from err
    with f:
        if "shape" not in f.attrs or "grid" not in f.attrs:
            raise SetupError(f"{str(path)!r} is not an ocean-hybrid restart file")
        shape = tuple(int(n) for n in f.attrs["shape"])
        if shape != (g.nz, g.ny, g.nx) or int(f.attrs["halo"]) != g.h:
            raise SetupError(
                f"restart {str(path)!r} is for a grid of (nz, ny, nx) = {shape} with halo "
                f"{int(f.attrs['halo'])}; this run has {(g.nz, g.ny, g.nx)} with halo {g.h}"
            )
        if f.attrs["grid"] != grid_fingerprint(g):
            raise SetupError(
                f"restart {str(path)!r} has the same size {shape} but other coordinates or "
                "topography than this run's grid"
            )
        names = [name for name, var in st.variables.items() if var.restart]
        for name in names:  # check everything before touching the state
            if name not in f:
                raise SetupError(f"restart {str(path)!r} lacks the field {name!r}")
            if f[name].shape != tuple(st.arrays[name].shape):
                raise SetupError(
                    f"restart {str(path)!r}: field {name!r} has shape {f[name].shape}, "
                    f"this run needs {tuple(st.arrays[name].shape)}"
                )
        for name in names:
            model.backend.copy(st.arrays[name], model.backend.asarray(f[name][...]))
        st.itt, st.time = int(f.attrs["itt"]), float(f.attrs["time"])
        st.taum1, st.tau, st.taup1 = (int(f.attrs[k]) for k in ("taum1", "tau", "taup1"))

"""Restarts (HDF5): every field marked ``restart`` at all time levels, the time-level
indices, step count and model time, and a fingerprint of the grid. Written to a temporary
name and renamed, so an interrupted write never replaces a good restart.

Fields are stored on the global grid with its outer halo, whatever the decomposition:
rank 0 writes them one at a time as they are gathered; every rank reads its own window
(its block with halo), so a restart written on 4 ranks is read on 1, 2 or 6 and the run
continues as if it had not stopped.

A restart written with another halo width (a run that adds a closure with a wider
receptive field) is read by its interior and the rings beyond the domain's closed edges
that both widths have (the streamfunction keeps its coast values there); the halo between
blocks and across a periodic edge is refilled by the halo exchange, as at the start of a run.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import h5py
import numpy as np

from ocean.errors import SetupError

from .gather import gather_interior, gather_with_halo, local_window


def grid_fingerprint(model) -> str:
    """Hash of the global T coordinates and topography of the interior (same size, other
    grid: refused); the same on every rank, for every decomposition and halo width."""
    g = model.grid
    kbot = gather_interior(model, g.kbot[g.interior])
    if model.comm.rank != 0:
        return model.comm.bcast(None)
    h = hashlib.sha256()
    inner_x, inner_y = slice(g.h, g.h + g.nx_global), slice(g.h, g.h + g.ny_global)
    for arr in (g.xt_global[inner_x], g.yt_global[inner_y], g.zt, kbot):
        h.update(np.ascontiguousarray(arr).tobytes())
    return model.comm.bcast(h.hexdigest()[:16])


def write_restart(model, path):
    """Write the restart (collective: every rank calls it; rank 0 writes the file)."""
    path = Path(path)
    st, g, root = model.state, model.grid, model.comm.rank == 0
    fingerprint = grid_fingerprint(model)
    tmp = path.with_name(path.name + ".tmp")
    f = h5py.File(tmp, "w") if root else None
    try:
        if root:
            f.attrs.update(
                {
                    "setup": model.name, "itt": st.itt, "time": st.time,
                    "taum1": st.taum1, "tau": st.tau, "taup1": st.taup1,
                    "shape": (g.nz, g.ny_global, g.nx_global), "halo": g.h,
                    "grid": fingerprint, "nx": g.nx_global, "ny": g.ny_global, "nz": g.nz,
                }
            )  # fmt: skip
        for name, var in st.variables.items():
            if var.restart:
                data = gather_with_halo(model, model.backend.to_host(st.arrays[name]))
                if root:
                    f.create_dataset(name, data=data)
    finally:
        if root:
            f.close()
    if root:
        os.replace(tmp, path)
    model.comm.barrier()  # the file is complete before any rank goes on (or reads it)


def read_restart(model, path):
    """Load a restart into ``model``; a restart of another grid fails before any step."""
    path = Path(path)
    if not path.is_file():
        raise SetupError(f"restart file {str(path)!r} does not exist")
    st, g = model.state, model.grid
    fingerprint = grid_fingerprint(model)
    nz, ny, nx = g.nz, g.ny_global, g.nx_global
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise SetupError(f"restart file {str(path)!r} is not a readable HDF5 file") from err
    with f:
        if "shape" not in f.attrs or "grid" not in f.attrs:
            raise SetupError(f"{str(path)!r} is not an ocean-hybrid restart file")
        shape = tuple(int(n) for n in f.attrs["shape"])
        halo = int(f.attrs["halo"])
        if shape != (nz, ny, nx):
            raise SetupError(
                f"restart {str(path)!r} is for a grid of (nz, ny, nx) = {shape}; "
                f"this run has {(nz, ny, nx)}"
            )
        if f.attrs["grid"] != fingerprint:
            raise SetupError(
                f"restart {str(path)!r} has the same size {shape} but other coordinates or "
                "topography than this run's grid"
            )
        names = [name for name, var in st.variables.items() if var.restart]
        for name in names:  # check everything before touching the state
            if name not in f:
                raise SetupError(f"restart {str(path)!r} lacks the field {name!r}")
            needed = _global_shape(model, st.arrays[name].shape, halo)
            if f[name].shape != needed:
                raise SetupError(
                    f"restart {str(path)!r}: field {name!r} has shape {f[name].shape}, "
                    f"this run needs {needed}"
                )
        if halo == g.h:
            j0, j1, i0, i1 = local_window(model)
            for name in names:
                block = f[name][..., j0:j1, i0:i1]
                model.backend.copy(st.arrays[name], model.backend.asarray(block))
        else:
            _read_interiors(model, f, names, halo)
        st.itt, st.time = int(f.attrs["itt"]), float(f.attrs["time"])
        st.taum1, st.tau, st.taup1 = (int(f.attrs[k]) for k in ("taum1", "tau", "taup1"))


def _read_interiors(model, f, names, halo):
    """Each block's cells from a file of another halo width, with the rings beyond closed
    edges up to the narrower width; halos between blocks by the exchange."""
    st, g, b = model.state, model.grid, model.backend
    rows = _overlap(g.j0, g.ny, g.ny_global, g.h, halo)
    cols = _overlap(g.i0, g.nx, g.nx_global, g.h, halo)
    for name in names:
        host = np.zeros(st.arrays[name].shape)
        host[..., rows[0], cols[0]] = f[name][..., rows[1], cols[1]]
        arr = b.asarray(host)
        b.copy(st.arrays[name], arr)
        levels = st.arrays[name] if st.variables[name].levels > 1 else [st.arrays[name]]
        model.fill_halo(*levels)


def _overlap(start, n, n_global, h, file_halo):
    """(slice in the block's full array, slice in the file) of the global rows (columns)
    the block holds that the file holds too: its interior, and beyond the domain's edges
    the rings that both halo widths have."""
    ring = min(h, file_halo)
    lo = max(start - h, -ring)  # global index (0 = first interior row)
    hi = min(start + n + h, n_global + ring)
    return slice(lo - start + h, hi - start + h), slice(lo + file_halo, hi + file_halo)


def _global_shape(model, local_shape, halo):
    g = model.grid
    return tuple(local_shape[:-2]) + (g.ny_global + 2 * halo, g.nx_global + 2 * halo)

"""Quick-look PNGs of model output (``ocean plot``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from .errors import SetupError  # noqa: E402
from .io.fields import SURFACE_FIELDS  # noqa: E402


def level_index(level, nz):
    """``'top'`` (surface, the last index: k=0 is the bottom), ``'bottom'`` or an index."""
    if isinstance(level, str):
        if level.lower() in ("top", "surface"):
            return nz - 1
        if level.lower() == "bottom":
            return 0
        try:
            level = int(level)
        except ValueError:
            raise SetupError(
                f"--level must be 'top', 'bottom' or an integer, not {level!r}"
            ) from None
    if not -nz <= level < nz:
        raise SetupError(f"level {level} is outside the {nz} levels (0 = bottom, {nz - 1} = top)")
    return level % nz


def quicklook(path, var="temp", out=None, time=-1, level="top"):
    """Map of ``var`` at time index ``time`` and ``level``; land (NaN) is left blank.

    Returns the path of the PNG (default ``FILE.VAR.png`` beside the NetCDF file).
    """
    path = Path(path)
    if not path.is_file():
        raise SetupError(f"no such output file: {str(path)!r}")
    try:
        ds = xr.open_dataset(path, engine="h5netcdf", decode_times=False)
    except (OSError, ValueError) as err:
        raise SetupError(f"{str(path)!r} is not a readable NetCDF file: {err}") from err
    with ds:
        if var not in ds.data_vars:
            names = ", ".join(n for n in ds.data_vars)
            why = ""
            if var in SURFACE_FIELDS and "streamfunction" in ds.data_vars:
                why = " (a run with external_mode 'streamfunction', a rigid lid, has none)"
            raise SetupError(f"{str(path)!r} has no variable {var!r}{why}; it has {names}")
        nt = ds.sizes.get("time", 0)
        if not -nt <= time < nt:
            raise SetupError(f"time index {time} is outside the {nt} records of {str(path)!r}")
        field = ds[var].isel(time=time)
        where = ""
        if "z" in field.dims:
            k = level_index(level, ds.sizes["z"])
            field = field.isel(z=k)
            where = f" at z = {float(ds['z'][k]):.0f} m"
        data = np.asarray(field.values, float)
        y_dim, x_dim = field.dims[-2:]  # (y, x), or (yu, xu) at the cells' corners
        x, y = ds[x_dim].values, ds[y_dim].values
        degrees = "degree" in ds[x_dim].attrs.get("units", "")
        if not degrees:
            x, y = x / 1e3, y / 1e3
        day = float(ds["time"].values[time])
        units, long_name = ds[var].attrs.get("units", ""), ds[var].attrs.get("long_name", var)
        kind = ds.attrs.get("title", path.name)
    fig, ax = plt.subplots(figsize=(7, 5.5))
    ax.set_facecolor("0.8")  # land: masked (NaN) cells show the grey background
    mesh = ax.pcolormesh(x, y, np.ma.masked_invalid(data), shading="nearest", cmap="RdBu_r")
    fig.colorbar(mesh, ax=ax, label=f"{var} [{units}]")
    ax.set_xlabel("longitude [deg E]" if degrees else "x [km]")
    ax.set_ylabel("latitude [deg N]" if degrees else "y [km]")
    ax.set_aspect("auto" if degrees else "equal")
    ax.set_title(f"{long_name}{where}\n{kind}, model time {day:.2f} days")
    out = Path(out) if out else path.with_suffix(f".{var}.png")
    fig.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return out

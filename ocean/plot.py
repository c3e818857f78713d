"""Quick-look PNGs of model output."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from .errors import SetupError  # noqa: E402


def quicklook(path, var="temp", out=None, time=-1, level=-1):
    """Map of ``var`` at time index ``time`` and level ``level`` (default: last, surface)."""
    path = Path(path)
    if not path.is_file():
        raise SetupError(f"no such output file: {str(path)!r}")
    with xr.open_dataset(path, engine="h5netcdf", decode_times=False) as ds:
        if var not in ds:
            names = ", ".join(n for n in ds.data_vars)
            raise SetupError(f"{str(path)!r} has no variable {var!r}; it has {names}")
        field = ds[var].isel(time=time)
        if "z" in field.dims:
            field = field.isel(z=level)
        data = np.asarray(field.values)
        x, y = ds["x"].values, ds["y"].values
        degrees = "degree" in ds["x"].attrs.get("units", "")
        if not degrees:
            x, y = x / 1e3, y / 1e3
        day = float(ds["time"].values[time])
        units, long_name = ds[var].attrs.get("units", ""), ds[var].attrs.get("long_name", var)
    fig, ax = plt.subplots(figsize=(7, 5.5))
    mesh = ax.pcolormesh(x, y, np.ma.masked_invalid(data), shading="auto", cmap="RdBu_r")
    fig.colorbar(mesh, ax=ax, label=f"{var} [{units}]")
    ax.set_xlabel("longitude [deg]" if degrees else "x [km]")
    ax.set_ylabel("latitude [deg]" if degrees else "y [km]")
    ax.set_aspect("equal" if not degrees else "auto")
    ax.set_title(f"{long_name}, day {day:.1f}")
    out = Path(out) if out else path.with_suffix(f".{var}.png")
    fig.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return out

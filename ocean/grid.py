"""Grid: C-grid coordinates, metrics and masks on a z-level mesh with a halo.

Construction follows pyOM2/Veros ("u-centred"): the user gives the cell widths
``dxt, dyt`` (interior) and ``dzt`` (bottom to top); faces are cumulative sums and each
face lies midway between its two T points. x and y are shifted so the east/north face of
the first interior cell is at ``x_origin, y_origin``; z so the surface is at 0.
Arrays are [k, j, i]; 1-D metrics include the halo; ``k = 0`` is the bottom level.

Under a domain decomposition the setup's ``set_grid`` sees the global grid (``nx, ny``
global) and gives the global widths; ``build_coordinates`` computes the global
coordinates and keeps this rank's block: from then on ``nx, ny`` are the block's interior
size, ``i0, j0`` its offset in the global interior, and every array is the block's with
its halo. The global 1-D coordinates stay available as ``xt_global`` etc. Halos of
fields given on the interior are filled by the halo exchange (periodic in x where the
grid is), so every block sees exactly what a one-block run sees.
"""

from __future__ import annotations

import numpy as np

from .comm import SerialComm
from .decomposition import Decomposition
from .errors import SetupError

LOCATIONS = ("T", "U", "V", "W")


def _pad_1d(interior: np.ndarray, h: int, periodic: bool) -> np.ndarray:
    if periodic:
        return np.concatenate([interior[-h:], interior, interior[:h]])
    return np.concatenate([np.full(h, interior[0]), interior, np.full(h, interior[-1])])


def u_centred(widths: np.ndarray):
    """Centres, faces and centre-to-centre spacings from cell widths (pyOM2 construction)."""
    n = widths.size
    faces = np.concatenate([[0.0], np.cumsum(widths[1:])])
    centres = np.empty(n)
    centres[0] = faces[0] - 0.5 * widths[0]
    for m in range(1, n):
        centres[m] = 2.0 * faces[m - 1] - centres[m - 1]
    spacing = np.empty(n)
    spacing[:-1] = centres[1:] - centres[:-1]
    spacing[-1] = 2.0 * widths[-1] - spacing[-2] if n > 1 else widths[-1]
    return centres, faces, spacing


class Grid:
    """Coordinates (host NumPy), metrics and masks of one block with halo ``h``."""

    def __init__(self, settings, decomp=None, comm=None):
        s = settings
        self.nx, self.ny, self.nz, self.h = s.nx, s.ny, s.nz, s.halo
        self.nx_global, self.ny_global = s.nx, s.ny
        self.decomp = decomp or Decomposition(s.nx, s.ny, 1, 1, 0, s.halo, s.enable_cyclic_x)
        self.comm = comm or SerialComm()
        self.i0, self.j0 = 0, 0
        self._host_halo = None
        self.periodic_x = s.enable_cyclic_x
        self.coord_degree = s.coord_degree
        self.radius, self.omega = s.radius, s.omega
        self.x_origin, self.y_origin = s.x_origin, s.y_origin
        # filled by the setup's set_grid (interior widths) and set_topography
        self.dxt = np.ones(self.nx)
        self.dyt = np.ones(self.ny)
        self.dzt = np.ones(self.nz)
        self.kbot = np.ones((self.ny, self.nx), dtype=np.int32)
        self.coriolis_t = np.zeros((self.ny, self.nx))

    # -- shapes and index boxes ---------------------------------------------------
    @property
    def shape2(self):
        return (self.ny + 2 * self.h, self.nx + 2 * self.h)

    @property
    def shape3(self):
        return (self.nz,) + self.shape2

    def box(self, rings: int = 0, k0: int = 0, k1: int | None = None):
        """Cell box (k0, k1, j0, j1, i0, i1): the interior grown by ``rings`` cells."""
        h, r = self.h, rings
        k1 = self.nz if k1 is None else k1
        return (k0, k1, h - r, h + self.ny + r, h - r, h + self.nx + r)

    def box2(self, rings: int = 0):
        """Column box (j0, j1, i0, i1): the interior grown by ``rings`` cells."""
        return self.box(rings)[2:]

    @property
    def interior(self):
        """Slices (j, i) of the interior, for host-side arrays in I/O and setups."""
        h = self.h
        return (slice(h, h + self.ny), slice(h, h + self.nx))

    # -- construction -----------------------------------------------------------------
    def build_coordinates(self):
        """Coordinates and metrics from the widths dxt, dyt, dzt set by the setup."""
        h = self.h
        self._check_widths()
        dxt = _pad_1d(np.asarray(self.dxt, float), h, self.periodic_x)
        dyt = _pad_1d(np.asarray(self.dyt, float), h, False)
        xt, xu, dxu = u_centred(dxt)
        yt, yu, dyu = u_centred(dyt)
        dxu_full, dyu_full = dxu, dyu
        shift_x, shift_y = self.x_origin - xu[h], self.y_origin - yu[h]
        self.xt_global, self.xu_global = xt + shift_x, xu + shift_x
        self.yt_global, self.yu_global = yt + shift_y, yu + shift_y
        # from here on: this rank's block, with its halo
        d = self.decomp
        self.i0, self.j0, self.nx, self.ny = d.i0, d.j0, d.local_nx, d.local_ny
        xs = slice(self.i0, self.i0 + self.nx + 2 * h)
        ys = slice(self.j0, self.j0 + self.ny + 2 * h)
        self.xt, self.xu = self.xt_global[xs], self.xu_global[xs]
        self.yt, self.yu = self.yt_global[ys], self.yu_global[ys]
        dxt, dxu, dyt, dyu = dxt[xs], dxu[xs], dyt[ys], dyu[ys]
        self.kbot = np.ones((self.ny, self.nx), dtype=np.int32)
        self.coriolis_t = np.zeros((self.ny, self.nx))
        zt, zw, dzw = u_centred(np.asarray(self.dzt, float))
        for name, centres, faces in (("dzt", zt, zw), ("dxt", xt, xu), ("dyt", yt, yu)):
            self._check_centred(name, centres, faces)
        self.zt, self.zw, self.dzw = zt - zw[-1], zw - zw[-1], dzw
        self.dzt = np.asarray(self.dzt, float)
        if self.coord_degree:
            degtom = self.radius * np.pi / 180.0
            self.dxt_m, self.dxu_m = dxt * degtom, dxu * degtom
            self.dyt_m, self.dyu_m = dyt * degtom, dyu * degtom
            self.cost = np.cos(np.deg2rad(self.yt))
            self.cosu = np.cos(np.deg2rad(self.yu))
            self.tantr = np.tan(np.deg2rad(self.yt)) / self.radius
        else:
            self.dxt_m, self.dxu_m, self.dyt_m, self.dyu_m = dxt, dxu, dyt, dyu
            self.cost = np.ones_like(self.yt)
            self.cosu = np.ones_like(self.yu)
            self.tantr = np.zeros_like(self.yt)
        self._global_metrics(dxu_global=dxu_full, dyu_global=dyu_full)
        self.area_t = self.cost[:, None] * self.dyt_m[:, None] * self.dxt_m[None, :]
        self.area_u = self.cost[:, None] * self.dyt_m[:, None] * self.dxu_m[None, :]
        self.area_v = self.cosu[:, None] * self.dyu_m[:, None] * self.dxt_m[None, :]

    def _global_metrics(self, dxu_global, dyu_global):
        """dxu_global_m, dyu_global_m [m] and cost_global of the whole domain with its halo
        (set-up code that works on the global grid: the streamfunction's island paths)."""
        if self.coord_degree:
            degtom = self.radius * np.pi / 180.0
            self.dxu_global_m, self.dyu_global_m = dxu_global * degtom, dyu_global * degtom
            self.cost_global = np.cos(np.deg2rad(self.yt_global))
        else:
            self.dxu_global_m, self.dyu_global_m = dxu_global, dyu_global
            self.cost_global = np.ones_like(self.yt_global)

    def build(self):
        """Masks from kbot and the Coriolis parameter with its halo (after the setup hooks)."""
        self._build_masks()
        coriolis = self.local_part(self.coriolis_t)
        self.coriolis_t = self.pad2(np.broadcast_to(coriolis, self._cor_shape(coriolis)), True)

    def _cor_shape(self, coriolis):
        shape = np.shape(coriolis)
        return self.shape2 if shape[-2:] == self.shape2 else (self.ny, self.nx)

    @staticmethod
    def _check_centred(name, centres, faces):
        """Each face is midway between T points; widths that change too fast put T points
        outside their cells (zero or negative spacing between T points)."""
        outside = np.nonzero((centres[1:] <= faces[:-1]) | (centres[1:] >= faces[1:]))[0]
        if outside.size:
            raise SetupError(
                f"grid.{name} changes too fast for the u-centred grid: the T point of cell "
                f"{outside[0] + 1} falls outside its cell; make neighbouring widths differ by "
                "less (e.g. a ratio below 1.2)"
            )

    def _check_widths(self):
        if self.periodic_x and self.nx < self.h:
            raise SetupError(
                f"a periodic grid needs nx >= halo; got nx = {self.nx} with halo {self.h}"
            )
        for name, arr, n in (("dxt", self.dxt, self.nx), ("dyt", self.dyt, self.ny)):
            arr = np.asarray(arr, float)
            if arr.shape != (n,) or not np.all(arr > 0):
                raise SetupError(f"grid.{name} must be {n} positive widths, got shape {arr.shape}")
        dzt = np.asarray(self.dzt, float)
        if dzt.shape != (self.nz,) or not np.all(dzt > 0):
            raise SetupError(f"grid.dzt must be {self.nz} positive thicknesses (bottom to top)")

    def _build_masks(self):
        kb = self.local_part(np.asarray(self.kbot))
        if kb.shape != (self.ny, self.nx) or kb.min() < 0 or kb.max() > self.nz:
            raise SetupError(
                f"grid.kbot must have shape {(self.ny, self.nx)} with values 0 (land) "
                f"to {self.nz} (1 = full depth); got shape {kb.shape}"
            )
        self.kbot = self.pad2(kb.astype(float), extend=False).astype(np.int32)
        k = np.arange(self.nz)[:, None, None]
        kbot = self.kbot[None]
        mT = ((kbot > 0) & (k >= kbot - 1)).astype(float)
        mU, mV = np.zeros_like(mT), np.zeros_like(mT)
        mU[:, :, :-1] = np.minimum(mT[:, :, :-1], mT[:, :, 1:])
        mV[:, :-1, :] = np.minimum(mT[:, :-1, :], mT[:, 1:, :])
        self.exchange_host(mU, mV)  # the last column/row needs the neighbour's T mask
        mW = mT.copy()
        mW[:-1] = np.minimum(mT[:-1], mT[1:])
        self.maskT, self.maskU, self.maskV, self.maskW = mT, mU, mV, mW
        self.ht = (mT * self.dzt[:, None, None]).sum(axis=0)
        self.hu = (mU * self.dzt[:, None, None]).sum(axis=0)
        self.hv = (mV * self.dzt[:, None, None]).sum(axis=0)

    # -- helpers for setups: coordinates and padding -------------------------------------
    def coords(self, loc: str = "T", halo: bool = False):
        """2-D (x, y) coordinates of ``loc`` points, interior only unless ``halo``."""
        if loc not in ("T", "U", "V"):
            raise ValueError(f"coords: location must be T, U or V, got {loc!r}")
        x = self.xu if loc == "U" else self.xt
        y = self.yu if loc == "V" else self.yt
        X, Y = np.meshgrid(x, y)
        return (X, Y) if halo else (X[self.interior], Y[self.interior])

    def pad2(self, field, extend: bool):
        """Put an interior (ny, nx) field into a full array; full arrays pass through.

        Halo cells next to other blocks (and periodic in x where the grid is) come from the
        halo exchange; beyond the edges of the domain they are the edge value (``extend``)
        or zero. A field on the global interior is first cut to this block.
        """
        field = self.local_part(np.asarray(field))
        if field.shape == self.shape2:
            return field.copy()
        if field.shape != (self.ny, self.nx):
            raise ValueError(
                f"field shape {field.shape} is neither the interior {(self.ny, self.nx)} "
                f"nor the full {self.shape2} shape"
            )
        mode = "edge" if extend else "constant"
        out = np.pad(field.astype(float), self.h, mode=mode)
        self.exchange_host(out)
        return out

    def local_part(self, field):
        """This block's part of a field given on the global interior (ny_global, nx_global);
        any other field is returned as it is."""
        field = np.asarray(field)
        global_shape = (self.ny_global, self.nx_global)
        if field.shape[-2:] == global_shape and global_shape != (self.ny, self.nx):
            sl = (slice(self.j0, self.j0 + self.ny), slice(self.i0, self.i0 + self.nx))
            return field[(Ellipsis,) + sl]
        return field

    def exchange_host(self, *fields):
        """Halo exchange of host (NumPy) arrays of the block's full shape (set-up time)."""
        if self._host_halo is None:
            from ocean.backends import get_backend

            from .halo import HaloExchange

            self._host_halo = HaloExchange(self.decomp, self.comm, get_backend("cpu"))
        self._host_halo.exchange(*fields)

    def kbot_from_depth(self, depth):
        """kbot (1 = full depth, 0 = land) from a bathymetry [m, positive down]."""
        depth = np.asarray(depth, float)
        kbot = np.zeros(depth.shape, dtype=np.int32)
        for k in range(self.nz - 1, -1, -1):  # deepest T point above the bottom
            kbot = np.where(-self.zt[k] < depth, k + 1, kbot)
        return np.where(depth > 0, kbot, 0).astype(np.int32)

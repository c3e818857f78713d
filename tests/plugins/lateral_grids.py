"""Grids and analytic flows for the tests of the lateral stress closures (Zanna-Bolton,
Smagorinsky, Leith): a bare Cartesian block that stands in for the model, a spherical
basin with land for a real model, and the C-grid invariants written with NumPy."""

from types import SimpleNamespace

import numpy as np

from ocean import Setup
from ocean.backends import get_backend


class Block:
    """A uniform Cartesian block of n x n wet cells (spacing ``length / n`` [m]) with a
    halo of h cells, and velocities given analytically everywhere (halo included). It has
    what ``Closure.bind(model)`` and ``Closure.__call__(view)`` use: ``backend``, ``grid``
    (``shape3``, ``box``, ``h``), ``dev`` (metrics, masks), ``settings``, ``dt``, ``[name]``.
    """

    def __init__(self, n, length=1.0e6, h=3, nz=1, dt=3600.0, backend="cpu"):
        self.backend = get_backend(backend)
        self.n, self.h, self.nz = n, h, nz
        self.dx = self.dy = length / n
        size = n + 2 * h
        self.grid = SimpleNamespace(h=h, nx=n, ny=n, nz=nz, shape3=(nz, size, size), box=self.box)
        line = np.full(size, self.dx)
        ones = np.ones(self.grid.shape3)
        self.dev = SimpleNamespace(
            dxt=line, dxu=line.copy(), dyt=line.copy(), dyu=line.copy(),
            cost=np.ones(size), cosu=np.ones(size), maskT=ones, maskU=ones, maskV=ones,
        )  # fmt: skip
        self.settings = SimpleNamespace(dt_mom=dt)
        self.dt = dt
        centre = (np.arange(size) - h + 0.5) * self.dx
        face = centre + 0.5 * self.dx
        self.x = {"T": centre, "U": face, "V": centre, "Q": face}
        self.y = {"T": centre, "U": centre, "V": face, "Q": face}
        self.fields = {}

    def box(self, rings=0):
        h, r = self.h, rings
        return (0, self.nz, h - r, h + self.n + r, h - r, h + self.n + r)

    def points(self, loc):
        """2-D (x, y) [m] of the ``loc`` (T, U, V or Q = corner) points, halo included."""
        return np.meshgrid(self.x[loc], self.y[loc])

    def set_velocity(self, u, v):
        """u(x, y), v(x, y) [m s-1] evaluated at the U and V points of every level."""
        shape = self.grid.shape3
        self.fields["u"] = np.ascontiguousarray(np.broadcast_to(u(*self.points("U")), shape))
        self.fields["v"] = np.ascontiguousarray(np.broadcast_to(v(*self.points("V")), shape))

    def __getitem__(self, name):
        return self.fields[name]

    def inner(self, a):
        """The interior of a 3-D (or 2-D) array."""
        h, n = self.h, self.n
        return a[..., h : h + n, h : h + n]


class Waves:
    """u = A sin(kx) cos(ly), v = B cos(mx) sin(ny) and its derivatives: the invariants
    zeta = v_x - u_y, D = u_y + v_x, D~ = u_x - v_y [s-1] and their gradients [m-1 s-1]."""

    def __init__(self, length, A=0.3, B=0.2, k=1, l=2, m=2, n=1):
        w = 2 * np.pi / length
        self.A, self.B, self.k, self.l, self.m, self.n = A, B, k * w, l * w, m * w, n * w

    def u(self, x, y):
        return self.A * np.sin(self.k * x) * np.cos(self.l * y)

    def v(self, x, y):
        return self.B * np.cos(self.m * x) * np.sin(self.n * y)

    def derivatives(self, x, y):
        """{name: value}: first and second derivatives of u and v at (x, y)."""
        A, B, k, l, m, n = self.A, self.B, self.k, self.l, self.m, self.n
        skx, ckx, sly, cly = np.sin(k * x), np.cos(k * x), np.sin(l * y), np.cos(l * y)
        smx, cmx, sny, cny = np.sin(m * x), np.cos(m * x), np.sin(n * y), np.cos(n * y)
        return {
            "u_x": A * k * ckx * cly, "u_y": -A * l * skx * sly,
            "u_xx": -A * k * k * skx * cly, "u_xy": -A * k * l * ckx * sly,
            "u_yy": -A * l * l * skx * cly,
            "v_x": -B * m * smx * sny, "v_y": B * n * cmx * cny,
            "v_xx": -B * m * m * cmx * sny, "v_xy": -B * m * n * smx * cny,
            "v_yy": -B * n * n * cmx * sny,
        }  # fmt: skip

    def invariants(self, x, y):
        """zeta, D, D~ and their x and y derivatives at (x, y)."""
        d = self.derivatives(x, y)
        return SimpleNamespace(
            zeta=d["v_x"] - d["u_y"], D=d["u_y"] + d["v_x"], Dt=d["u_x"] - d["v_y"],
            zeta_x=d["v_xx"] - d["u_xy"], zeta_y=d["v_xy"] - d["u_yy"],
            D_x=d["u_xy"] + d["v_xx"], D_y=d["u_yy"] + d["v_xy"],
            Dt_x=d["u_xx"] - d["v_xy"], Dt_y=d["u_xy"] - d["v_yy"],
        )  # fmt: skip


def max_error(a, b):
    """max |a - b| / max |b|."""
    return np.abs(a - b).max() / np.abs(b).max()


# -- a real model: spherical, periodic in x, closed in y, with land ---------------------
class SphericalBasin(Setup):
    """12 x 8 x 2 cells from 20N, 5 deg x 3-4 deg (smoothly varying widths), periodic in
    x, with an island, a coast along the south-east and a shallow shelf (land at k = 0)."""

    name = "spherical_basin"

    def set_parameter(self, s):
        s.nx, s.ny, s.nz = 12, 8, 2
        s.coord_degree, s.enable_cyclic_x = True, True
        s.x_origin, s.y_origin = 0.0, 20.0
        s.dt_mom = s.dt_tracer = 1800.0

    def set_grid(self, grid):
        i = np.arange(grid.nx)
        grid.dxt = 5.0 + 0.4 * np.sin(2 * np.pi * i / grid.nx)
        grid.dyt = np.linspace(3.0, 4.0, grid.ny)
        grid.dzt = np.array([120.0, 100.0])

    def set_coriolis(self, grid):
        _, y = grid.coords("T", halo=True)
        grid.coriolis_t = 2 * grid.omega * np.sin(np.deg2rad(y))

    def set_topography(self, grid):
        kbot = np.ones((grid.ny, grid.nx), dtype=int)
        kbot[3:5, 4:6] = 0  # island
        kbot[0, 8:] = 0  # coast
        kbot[1, 7:10] = 2  # shelf: only the top level is wet
        grid.kbot = kbot

    def set_initial_conditions(self, state):
        state.set("temp", 10.0)
        state.set("salt", 35.0)


def random_velocity(model, seed, scale=0.2):
    """Random masked u, v [m s-1] at tau (halos filled); returns the full host arrays."""
    rng = np.random.default_rng(seed)
    g, st = model.grid, model.state
    shape = (g.nz, g.ny, g.nx)
    inner = (slice(None), *g.interior)
    u = scale * rng.normal(size=shape) * g.maskU[inner]
    v = scale * rng.normal(size=shape) * g.maskV[inner]
    st.set("u", u, levels="tau")
    st.set("v", v, levels="tau")
    return st.get("u", halo=True), st.get("v", halo=True)


# -- the invariants with NumPy (an independent transcription of the kernels' formulas) --
def tension(u, v, g):
    """D~ at T points [s-1] (full arrays; the first row and column are left zero)."""
    out = np.zeros_like(u)
    cost, cosu = g.cost[:, None], g.cosu[:, None]
    ux = (u[:, :, 1:] - u[:, :, :-1]) / (cost * g.dxt_m[None, 1:])
    out[:, :, 1:] = ux
    vy = cost[1:] * (v[:, 1:] / cosu[1:] - v[:, :-1] / cosu[:-1]) / g.dyt_m[1:, None]
    out[:, 1:, :] -= vy
    out[:, 0, :] = out[:, :, 0] = 0.0
    return out


def strain(u, v, g):
    """D at corners [s-1], zero where a surrounding T cell is dry (last row/column zero)."""
    out = np.zeros_like(u)
    cost, cosu = g.cost[:, None], g.cosu[:, None]
    vx = (v[:, :, 1:] - v[:, :, :-1]) / (cosu * g.dxu_m[None, :-1])
    uy = cosu[:-1] * (u[:, 1:] / cost[1:] - u[:, :-1] / cost[:-1]) / g.dyu_m[:-1, None]
    out[:, :-1, :-1] = vx[:, :-1] + uy[:, :, :-1]
    mT = g.maskT
    mq = np.zeros_like(mT)
    mq[:, :-1, :-1] = mT[:, :-1, :-1] * mT[:, 1:, :-1] * mT[:, :-1, 1:] * mT[:, 1:, 1:]
    return out * mq


def corner_area(g):
    """cosu dxu dyu [m2] of every corner."""
    return g.cosu[:, None] * g.dyu_m[:, None] * g.dxu_m[None, :]

"""Land masses ("islands") of the streamfunction method and the paths around them.

Everything here is set-up work on host arrays of the *global* grid with its halo (shape
(ny + 2h, nx + 2h), index (J, I)), the same on every rank. The streamfunction psi lives
on the north-east corner of each T cell: corner (J, I) touches the T cells (J, I),
(J, I+1), (J+1, I) and (J+1, I+1), which we call SW, SE, NW and NE.

* ``label_land_masses``: connected land masses, diagonal contact included, the halo
  beyond closed edges being land and periodic x wrapping (pyOM2/Veros, after MOM's
  B-grid island finder). They are numbered 1, 2, ... in the order of their first cell
  met scanning rows from north to south, each from west to east; land mass 1 is the
  reference island on which psi stays 0.
* ``path_masks``: for each land mass, the corners on its coast and the direction in which
  the coastal path passes them (east: SE is land and NE is not; west: NW land, SW not;
  south: SW land, SE not; north: NE land, NW not). A corner that touches a land mass but
  lies outside it always has one of the four (walk round it: land must turn into sea).
* ``circulation_weights``: the line integral of a depth-averaged velocity (u, v) round
  each land mass as sum(WU u) + sum(WV v) over the interior U and V points [m2 s-1 per
  m s-1], from pyOM2's island integral (its four corner stencils).
"""

from __future__ import annotations

from collections import deque

import numpy as np

#: the 8 neighbours of a cell: land masses touching diagonally are one
NEIGHBOURS = [(dj, di) for dj in (-1, 0, 1) for di in (-1, 0, 1) if (dj, di) != (0, 0)]


def corner_ranges(ny, nx, h, periodic_x):
    """Rows and columns (J, I) of the corners that can lie on a coast: from the corner
    south of the first interior row to the last row's, and over the interior columns
    (periodic x) or from the corner west of the first column."""
    rows = range(h - 1, h + ny)
    cols = range(h, h + nx) if periodic_x else range(h - 1, h + nx)
    return rows, cols


def label_land_masses(land, h, periodic_x):
    """Land-mass numbers (0 at sea) on the global grid with halo; ``land`` is boolean,
    True on land, including the halo beyond closed edges. Periodic halo columns carry
    the numbers of the columns they copy."""
    ny, nx = land.shape[0] - 2 * h, land.shape[1] - 2 * h
    rows = range(h - 1, h + ny + 1)  # the interior with one ring of halo rows
    cols = range(h, h + nx) if periodic_x else range(h - 1, h + nx + 1)
    labels = np.zeros(land.shape, dtype=np.int64)
    count = 0
    for J in reversed(rows):  # first cell met from the north, west to east
        for I in cols:
            if land[J, I] and labels[J, I] == 0:
                count += 1
                _flood(land, labels, (J, I), count, rows, cols, periodic_x)
    if periodic_x:
        labels[:, :h] = labels[:, nx : nx + h]
        labels[:, h + nx :] = labels[:, h : 2 * h]
    return labels, count


def _flood(land, labels, start, number, rows, cols, periodic_x):
    """Give ``number`` to every land cell connected to ``start`` (8 neighbours)."""
    ncol = len(cols)
    queue = deque([start])
    labels[start] = number
    while queue:
        J, I = queue.popleft()
        for dj, di in NEIGHBOURS:
            Jn, In = J + dj, I + di
            if periodic_x:
                In = cols.start + (In - cols.start) % ncol
            if Jn not in rows or In not in cols:
                continue
            if land[Jn, In] and labels[Jn, In] == 0:
                labels[Jn, In] = number
                queue.append((Jn, In))


def path_masks(labels, count, h, periodic_x):
    """Boolean masks (count, 4, NY, NX) of the coastal corners of each land mass, one per
    direction of the path (EAST, WEST, SOUTH, NORTH)."""
    NY, NX = labels.shape
    ny, nx = NY - 2 * h, NX - 2 * h
    rows, cols = corner_ranges(ny, nx, h, periodic_x)
    J = slice(rows.start, rows.stop)
    I = slice(cols.start, cols.stop)
    Jn = slice(rows.start + 1, rows.stop + 1)
    In = slice(cols.start + 1, cols.stop + 1)
    masks = np.zeros((count, 4, NY, NX), dtype=bool)
    for n in range(count):
        island = labels == n + 1
        sw, se, nw, ne = island[J, I], island[J, In], island[Jn, I], island[Jn, In]
        masks[n, EAST][J, I] = se & ~ne
        masks[n, WEST][J, I] = nw & ~sw
        masks[n, SOUTH][J, I] = sw & ~se
        masks[n, NORTH][J, I] = ne & ~nw
    return masks


EAST, WEST, SOUTH, NORTH = range(4)


def circulation_weights(masks, h, periodic_x, dxu, dyu, cost):
    """(WU, WV), each (count, NY, NX): the island integral of (u, v) round land mass n is
    sum(WU[n] u + WV[n] v) over the interior. ``dxu`` [m] (NX), ``dyu`` [m] and ``cost``
    (NY) are the global metrics with halo. Weights that fall on periodic halo points go
    to the interior points they copy; those beyond closed edges (land) are dropped."""
    count, _, NY, NX = masks.shape
    nx = NX - 2 * h
    WU = np.zeros((count, NY, NX))
    WV = np.zeros((count, NY, NX))
    dyu_c = dyu[:-1, None]  # at corner rows J
    u_here = dxu[None, :-1] * cost[:-1, None]  # dxu cos at the U point (J, I)
    u_north = dxu[None, :-1] * cost[1:, None]  # ... at the U point (J+1, I)
    for n in range(count):
        east, west, south, north = (masks[n, d, :-1, :-1].astype(float) for d in range(4))
        WV[n, :-1, :-1] += dyu_c * (east + north)
        WV[n, :-1, 1:] -= dyu_c * (west + south)
        WU[n, 1:, :-1] += u_north * (east + south)
        WU[n, :-1, :-1] -= u_here * (west + north)
    for W in (WU, WV):
        if periodic_x:
            W[:, :, nx : nx + h] += W[:, :, :h]
            W[:, :, h : 2 * h] += W[:, :, h + nx :]
        W[:, :, :h] = W[:, :, h + nx :] = 0.0
        W[:, :h, :] = W[:, NY - h :, :] = 0.0
    return WU, WV

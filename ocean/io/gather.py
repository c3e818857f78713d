"""Assemble global arrays on rank 0 from the blocks of a decomposition, one field at a time.

Output and restarts are single global files written by rank 0: each field is gathered,
written and dropped before the next, so rank 0 never holds the whole state of all blocks.
On one rank these are the identity.
"""

from __future__ import annotations

import numpy as np


def gather_interior(model, local):
    """Rank 0: the field on the global interior (..., ny, nx) from every block's interior
    ``local`` (..., ny_block, nx_block); other ranks: None."""
    g = model.grid
    return _gather(model, local, (g.j0, g.i0), (g.ny_global, g.nx_global))


def gather_with_halo(model, local_full):
    """Rank 0: the field on the global grid with its outer halo (..., ny + 2h, nx + 2h)
    from every block's full array; other ranks: None. Each block contributes its interior
    and, at the edges of the domain, its halo beyond the edge."""
    g = model.grid
    if model.comm.size == 1:
        return local_full
    lo_j, hi_j, lo_i, hi_i = g.decomp.owned_box(model.comm.rank)
    owned = local_full[..., lo_j - g.j0 : hi_j - g.j0, lo_i - g.i0 : hi_i - g.i0]
    shape = (g.ny_global + 2 * g.h, g.nx_global + 2 * g.h)
    return _gather(model, owned, (lo_j, lo_i), shape)


def _gather(model, piece, origin, shape):
    """Rank 0: an array of trailing ``shape`` with every rank's ``piece`` placed at its
    ``origin`` (j0, i0); other ranks: None. One rank: the piece itself."""
    comm = model.comm
    if comm.size == 1:
        return piece
    pieces = comm.gather_to_root((origin, np.ascontiguousarray(piece)))
    if comm.rank != 0:
        return None
    out = np.empty(piece.shape[:-2] + tuple(shape), dtype=piece.dtype)
    for (j0, i0), part in pieces:
        out[..., j0 : j0 + part.shape[-2], i0 : i0 + part.shape[-1]] = part
    return out


def local_window(model):
    """Index window (j0, j1, i0, i1) of this block's full array in a global-with-halo array."""
    g = model.grid
    return g.j0, g.j0 + g.ny + 2 * g.h, g.i0, g.i0 + g.nx + 2 * g.h

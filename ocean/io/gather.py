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
    comm, g = model.comm, model.grid
    if comm.size == 1:
        return local
    pieces = comm.gather_to_root((g.j0, g.i0, np.ascontiguousarray(local)))
    if comm.rank != 0:
        return None
    out = np.empty(local.shape[:-2] + (g.ny_global, g.nx_global), dtype=local.dtype)
    for j0, i0, piece in pieces:
        out[..., j0 : j0 + piece.shape[-2], i0 : i0 + piece.shape[-1]] = piece
    return out


def gather_with_halo(model, local_full):
    """Rank 0: the field on the global grid with its outer halo (..., ny + 2h, nx + 2h)
    from every block's full array; other ranks: None. Each block contributes its interior
    and, at the edges of the domain, its halo beyond the edge."""
    comm, g = model.comm, model.grid
    if comm.size == 1:
        return local_full
    lo_j, hi_j, lo_i, hi_i = g.decomp.owned_box(comm.rank)
    owned = local_full[..., lo_j - g.j0 : hi_j - g.j0, lo_i - g.i0 : hi_i - g.i0]
    pieces = comm.gather_to_root((lo_j, lo_i, np.ascontiguousarray(owned)))
    if comm.rank != 0:
        return None
    h = g.h
    shape = local_full.shape[:-2] + (g.ny_global + 2 * h, g.nx_global + 2 * h)
    out = np.empty(shape, dtype=local_full.dtype)
    for j0, i0, piece in pieces:
        out[..., j0 : j0 + piece.shape[-2], i0 : i0 + piece.shape[-1]] = piece
    return out


def local_window(model):
    """Index window (j0, j1, i0, i1) of this block's full array in a global-with-halo array."""
    g = model.grid
    return g.j0, g.j0 + g.ny + 2 * g.h, g.i0, g.i0 + g.nx + 2 * g.h

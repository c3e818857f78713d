"""Halo fill kernels (periodic in x); closed walls need no fill (masks are zero there)."""

from .core import kernel


@kernel(radius=0)
def periodic_x_halo(k, j, i, field, nx, h):
    """Copy the ``h`` columns next to each x edge into the opposite halo (i < h):
    f[i] = f[i + nx] and f[nx + h + i] = f[h + i]."""
    field[k, j, i] = field[k, j, i + nx]
    field[k, j, nx + h + i] = field[k, j, h + i]

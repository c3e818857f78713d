"""Halo kernels: pack a strip of a field into a message buffer, unpack it into the halo,
or copy a strip within one block (a neighbour that is the block itself, e.g. periodic x on
one rank). Buffers are [level, j, i] with the strip's origin at (strip_j0, strip_i0)."""

from .core import kernel


@kernel(radius=0)
def pack_strip(k, j, i, field, strip_j0, strip_i0, level0, buffer):
    """buffer[level0 + k, j - strip_j0, i - strip_i0] = field[k, j, i] over the strip sent."""
    buffer[level0 + k, j - strip_j0, i - strip_i0] = field[k, j, i]


@kernel(radius=0)
def unpack_strip(k, j, i, buffer, strip_j0, strip_i0, level0, field):
    """field[k, j, i] = buffer[level0 + k, j - strip_j0, i - strip_i0] over the halo strip
    received."""
    field[k, j, i] = buffer[level0 + k, j - strip_j0, i - strip_i0]


@kernel(radius=0)
def copy_strip(k, j, i, field, dj, di):
    """field[k, j, i] = field[k, j + dj, i + di]: halo cells from this block's own interior
    (source and destination strips never overlap)."""
    field[k, j, i] = field[k, j + dj, i + di]

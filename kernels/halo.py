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


# -- adjoints of the exchange (accumulate halo adjoints into the cells they came from) --
@kernel(radius=0)
def unpack_strip_add(k, j, i, buffer, strip_j0, strip_i0, level0, field):
    """field[k, j, i] += buffer[level0 + k, j - strip_j0, i - strip_i0]: a neighbour's halo
    adjoint added to the strip of this block's interior it was copied from."""
    field[k, j, i] += buffer[level0 + k, j - strip_j0, i - strip_i0]


@kernel(radius=0)
def copy_strip_adj(k, j, i, field, dj, di):
    """field[k, j, i] += field[k, j - dj, i - di] over the source strip of ``copy_strip``:
    the adjoint of a copy within one block (the halo strip is zeroed afterwards)."""
    field[k, j, i] += field[k, j - dj, i - di]


@kernel(radius=0)
def zero_strip(k, j, i, field):
    """field[k, j, i] = 0 over a strip."""
    field[k, j, i] = 0.0

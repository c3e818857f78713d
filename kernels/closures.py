"""Adding closure outputs into the model's tendencies (the closures' own arithmetic lives
in their kernel modules)."""

from .core import kernel


@kernel(radius=0)
def add_masked(k, j, i, src, mask, factor, dst):
    """dst += factor * mask * src: a closure's tendency [units s-1] (factor 1) or its
    increment over a time step (factor dt [s]) added where the mask is wet."""
    dst[k, j, i] += factor * mask[k, j, i] * src[k, j, i]

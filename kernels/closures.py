"""Adding closure outputs into the model's tendencies (the closures' own arithmetic lives
in their kernel modules)."""

from .core import adjoint_of, in_box, kernel


@kernel(radius=0)
def add_masked(k, j, i, src, mask, factor, dst):
    """dst += factor * mask * src: a closure's tendency [units s-1] (factor 1) or its
    increment over a time step (factor dt [s]) added where the mask is wet."""
    dst[k, j, i] += factor * mask[k, j, i] * src[k, j, i]


# -- adjoints ------------------------------------------------------------------------------
@adjoint_of(add_masked, reads=("src",), updates=("dst",), scalars=("factor",))
@kernel(radius=0)
def add_masked_adj(k, j, i, src, mask, factor, src_adj, dst_adj, factor_adj, fbox):
    """Adjoint of dst += factor mask src: src_adj += factor mask dst_adj; dst_adj passes
    through unchanged; each cell contributes mask src dst_adj to factor's adjoint."""
    if not in_box(k, j, i, fbox):
        return
    g = mask[k, j, i] * dst_adj[k, j, i]
    src_adj[k, j, i] += factor * g
    factor_adj[k, j, i] += src[k, j, i] * g

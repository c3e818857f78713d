"""Launching a forward kernel's registered adjoint kernels."""

from __future__ import annotations

from ocean.kernels.core import FORWARD_BOX


def widen(kernel, region, shape):
    """The adjoint's launch box: ``region`` widened by the kernel's radius, within ``shape``."""
    r = kernel.radius
    dims = shape[-2:] if kernel.column else shape[-3:]
    if kernel.column:
        j0, j1, i0, i1 = region
        return (max(j0 - r, 0), min(j1 + r, dims[0]), max(i0 - r, 0), min(i1 + r, dims[1]))
    k0, k1, j0, j1, i0, i1 = region
    return (
        max(k0 - r, 0), min(k1 + r, dims[0]), max(j0 - r, 0), min(j1 + r, dims[1]),
        max(i0 - r, 0), min(i1 + r, dims[2]),
    )  # fmt: skip


def launch_adjoint(backend, spec, region, args: dict, adjoints: dict, work: dict | None = None):
    """Launch ``spec``'s adjoint kernels for a forward launch on ``region``.

    ``args``: forward arguments by name (backend arrays or scalars); ``adjoints``: the
    ``<name>_adj`` arrays by forward name (reads, updates, writes and scalars); ``work``:
    where the adjoint's work arrays are kept between launches (allocated when missing).
    """
    fwd = spec.forward
    shape = args[spec.outputs[0]].shape
    box = widen(fwd, region, shape)
    named = dict(args)
    named.update({f"{n}_adj": a for n, a in adjoints.items()})
    work = {} if work is None else work
    for name, count in spec.work:
        key = (name, count, shape)
        if key not in work:
            work[key] = backend.zeros((count, *shape))
        named[name] = work[key]
    named[FORWARD_BOX] = tuple(int(b) for b in region)
    for kn in spec.kernels:
        launch_box = box[2:] if kn.column and not fwd.column else box
        backend.launch(kn, launch_box, *(named[a] for a in kn.arg_names))

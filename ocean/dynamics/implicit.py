"""Implicit vertical diffusion of a field on a box of columns, as two sweeps.

(1 - dt d/dz kappa d/dz) x = rhs with no flux through the bottom or the top, given
delta[k] = dt kappa_k / dzw_k [m] on the W faces: the forward elimination sweeps up the
columns and the back substitution down (``kernels/tridiagonal.py``), each level of a row
of columns at a time, so that many columns' recurrences run side by side.
"""

from __future__ import annotations

from ocean.kernels import tke as KTKE
from ocean.kernels import tridiagonal as KT


def solve_vertical_diffusion(backend, columns, kbot, dz, delta, rhs, work, x):
    """Solve on ``columns`` = (j0, j1, i0, i1), all levels; ``rhs`` may be ``x`` (in place).
    ``work`` is scratch (overwritten); dry levels keep x."""
    nz = x.shape[-3]
    backend.launch(KT.diffusion_eliminate, (0, nz, *columns), kbot, dz, delta, rhs, work, x)
    backend.launch(KT.diffusion_back_substitute, (0, nz - 1, *columns), kbot, work, x)


def solve_energy_step(backend, columns, *args):
    """One implicit step of a W-point energy (TKE or EKE) on ``columns``: the arguments
    of ``tke.energy_eliminate`` after its index, ending with ``kbot`` ... ``work``,
    ``energy_new``."""
    names = KTKE.energy_eliminate.arg_names
    values = dict(zip(names, args, strict=True))
    nz = values["energy_new"].shape[-3]
    backend.launch(KTKE.energy_eliminate, (0, nz, *columns), *args)
    backend.launch(
        KT.diffusion_back_substitute, (0, nz - 1, *columns),
        values["kbot"], values["work"], values["energy_new"],
    )  # fmt: skip

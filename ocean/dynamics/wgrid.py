"""Choices shared by the W-point energies (TKE, EKE, IDEMIX)."""

from __future__ import annotations

from ocean.errors import SetupError


def advection_scheme(settings, prefix: str, quantity: str) -> bool:
    """Whether ``quantity`` is advected (superbee or upwind, ``enable_<prefix>_*_advection``);
    both at once is refused."""
    superbee = settings[f"enable_{prefix}_superbee_advection"]
    upwind = settings[f"enable_{prefix}_upwind_advection"]
    if superbee and upwind:
        raise SetupError(
            f"enable_{prefix}_superbee_advection and enable_{prefix}_upwind_advection are "
            f"both True: choose one advection scheme for {quantity} (or neither)"
        )
    return superbee or upwind

"""Veros's ACC setup and ours, built on the same grid, and the map between their arrays.

Veros stores fields as [i, j, k(, time level)] with two halo cells in x and y; ours as
[k, j, i] with ``halo`` cells. ``as_veros`` turns one of ours into Veros's layout, so
every comparison reads both on Veros's index space, halo included where both have one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from ocean import Model
from ocean.dynamics.tracers import VEROS_TYPES
from ocean.loader import load_setup

pytest.importorskip(
    "veros", reason="Veros is not installed: pip install -e '.[compare]' (make install does)"
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VEROS_HALO = 2


@dataclass
class Pair:
    """Our model and Veros's state for one configuration."""

    ours: Model
    veros: object  # veros.state.VerosState

    @property
    def vs(self):
        return self.veros.variables

    def as_veros(self, field: np.ndarray) -> np.ndarray:
        """One of our [k, j, i] (or [j, i]) arrays, halo included, in Veros's [i, j(, k)]."""
        cut = self.ours.grid.h - VEROS_HALO
        index = (slice(cut, field.shape[-2] - cut), slice(cut, field.shape[-1] - cut))
        return np.moveaxis(field[(Ellipsis,) + index], (-1, -2), (0, 1))


def _quiet_acc():
    """Veros's ACC setup without its diagnostics (they write files into the working
    directory at set-up and refuse to overwrite them)."""
    from veros import veros_routine
    from veros.setups.acc import ACCSetup

    class QuietACC(ACCSetup):
        @veros_routine
        def set_diagnostics(self, state):
            state.diagnostics.clear()

    return QuietACC


def acc_pair(
    nx: int = 8, ny: int = 42, eq_of_state: str = "nonlinear_vallis", **veros_settings
) -> Pair:
    """Veros's ``acc`` setup and ``examples/acc.py`` at nx x ny x 15 (the level count both
    fix), with the named equation of state in both; ``veros_settings`` override Veros's
    (those that decide which variables Veros allocates must be set here)."""
    override = {"nx": nx, "ny": ny, "eq_of_state_type": VEROS_TYPES[eq_of_state]}
    veros_setup = _quiet_acc()(override={**override, **veros_settings})
    veros_setup.setup()
    ours = Model(
        load_setup(EXAMPLES / "acc.py")(),
        backend="cpu",
        settings={"nx": nx, "ny": ny, "eq_of_state": eq_of_state},
    )
    return Pair(ours, veros_setup.state)


def relative_difference(ours, theirs):
    """max |ours - Veros| / max |Veros|: the measure every parity target is stated in."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    assert ours.shape == theirs.shape
    scale = np.max(np.abs(theirs))
    assert scale > 0.0  # the comparison saw a field, not zeros
    return np.max(np.abs(ours - theirs)) / scale


def ours_layout(array):
    """Veros's [i, j(, k)] (both with two halo cells here) as our [(k,) j, i]."""
    return np.ascontiguousarray(np.moveaxis(array, (0, 1), (-1, -2)))


def interior(veros_array):
    """The interior of a Veros array: its kernels write there, halos are exchanged after."""
    return veros_array[VEROS_HALO:-VEROS_HALO, VEROS_HALO:-VEROS_HALO]


def tke_only(pair: Pair) -> Pair:
    """Veros's TKE forcing without EKE and IDEMIX (the energy paths that exist here)."""
    with pair.veros.settings.unlock():
        pair.veros.settings.enable_eke = False
        pair.veros.settings.enable_idemix = False
        pair.veros.settings.enable_store_cabbeling_heat = False
    return pair

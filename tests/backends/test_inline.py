"""Stencils inlined before typing (``backends/inline.py``): what is rebound, what is not,
and a branch on a constant argument pruned before Numba types it."""

import numba
import numpy as np
import pytest

from ocean.backends.inline import host_function, host_stencil, rebound, stencil_mode
from ocean.kernels import eos as KE
from ocean.kernels import tracers as KT
from ocean.kernels.core import stencil


@stencil
def doubled_or_untypable(flag, x):
    """2 x for flag 0; any other flag asks for an attribute a float does not have."""
    if flag == 0:
        return 2.0 * x
    return x.no_such_attribute


def body_with_constant_flag(x, out):
    out[0] = doubled_or_untypable(0, x)


def test_rebound_names_the_host_copies_of_the_stencils_only():
    copy = rebound(KE.state_at, host_stencil)
    assert copy is not KE.state_at
    assert copy.__globals__["density"] is host_stencil(KE.density)
    assert copy.__globals__["THETA0"] is KE.THETA0  # constants stay as they are
    assert KE.state_at.__globals__["density"] is KE.density  # the module is untouched
    assert copy.__code__ is KE.state_at.__code__


def test_a_function_that_calls_no_stencil_is_its_own_copy():
    def plain(x):
        return 2.0 * x

    assert rebound(plain, host_stencil) is plain
    assert stencil_mode(plain) is None


def test_inline_mode_is_the_stencils():
    assert stencil_mode(KE.density) == "always"
    assert stencil_mode(KT.mixing_adjoint_column) == "never"
    assert host_stencil(KE.density).targetoptions["inline"] == "always"
    assert host_stencil(KT.mixing_adjoint_column).targetoptions["inline"] == "never"


def test_a_branch_on_a_constant_is_pruned_before_typing():
    """The untypable branch is gone before typing through ``host_function``; through the
    stencil's own registration (inlined after typing) Numba refuses it."""
    fused = host_function(body_with_constant_flag)

    @numba.njit
    def run(x, out):
        fused(x, out)

    out = np.zeros(1)
    run(1.5, out)
    assert out[0] == 3.0

    typed_late = numba.njit(body_with_constant_flag, inline="always")

    @numba.njit
    def run_typed_late(x, out):
        typed_late(x, out)

    with pytest.raises(numba.core.errors.TypingError):
        run_typed_late(1.5, out)

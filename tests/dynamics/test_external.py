"""ocean/dynamics/external.py: a blow-up inside the surface-pressure solve is reported as
one (the field and place if the state already holds it, else the step's predictor)."""

import pytest

from ocean import Model
from ocean.errors import ModelError


def small_gyre(example_setup):
    settings = {"resolution_km": 400.0, "check_interval": 10**6}
    model = Model(example_setup("double_gyre")(), settings=settings)
    model.run(2)
    return model


def test_non_finite_predictor_is_a_blow_up(example_setup):
    model = small_gyre(example_setup)
    st = model.state
    h = model.grid.h
    st.du[st.taum1][-1, h + 2, h + 2] = float("nan")  # only u* of this step goes bad
    with pytest.raises(ModelError, match=r"non-finite values at step 2.*predictor u\*, v\*"):
        model.step()


def test_non_finite_state_is_named_by_the_monitor(example_setup):
    model = small_gyre(example_setup)
    st = model.state
    h = model.grid.h
    st.u[st.tau][-1, h + 2, h + 2] = float("inf")
    with pytest.raises(ModelError, match=r"u .*not finite"):
        model.step()

"""ocean/dynamics/streamfunction.py on the ACC channel (two land masses).

Without friction, the streamfunction method and the rigid-lid pressure method make the
same orthogonal projection of the momentum predictor onto non-divergent transports (the
pressure gradient and the island rates supply what the other method's pressure does), and
both advance it by the same AB2: the runs must agree to the solvers' tolerance. With
friction they differ (Veros's method steps the depth mean of du_mix by AB2 too), and the
barotropic transport of the streamfunction is non-divergent to round-off at every step.
"""

import numpy as np
import pytest

from ocean import Model
from ocean.errors import SetupError

#: the ACC at 8 columns, density by temperature only; no closures (the projection is tested)
SMALL = {
    "nx": 8, "enable_eke": False, "enable_neutral_diffusion": False,
    "enable_skew_diffusion": False, "enable_tke": False, "congr_epsilon": 1e-14,
}  # fmt: skip
FRICTIONLESS = {
    "enable_implicit_vert_friction": False, "A_h": 0.0, "r_bot": 0.0, "kappaM_0": 0.0,
    "dt_tracer": 4800.0,
}  # fmt: skip
#: both solves end at a relative residual of 1e-14; over 20 steps the runs agreed to 9e-15
#: (u), so 1e-11 leaves three orders for other platforms' round-off and nothing more
AGREEMENT = 1e-11


def run(example_setup, steps, **settings):
    model = Model(example_setup("acc")(), settings={**SMALL, **settings})
    model.run(steps)
    return model


def state(model):
    return [model.state.get(name) for name in ("u", "v", "temp")]


def relative(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


def test_frictionless_run_equals_the_pressure_method(example_setup, monkeypatch):
    pressure = state(run(example_setup, 20, external_mode="rigid_lid", **FRICTIONLESS))
    stream = state(run(example_setup, 20, external_mode="streamfunction", **FRICTIONLESS))
    for ours, reference in zip(stream, pressure, strict=True):
        assert relative(ours, reference) <= AGREEMENT
    # the island integral carries the channel's transport: without it the runs part
    from ocean.dynamics.streamfunction import StreamFunction

    monkeypatch.setattr(StreamFunction, "_island_rates", lambda self, x: np.zeros(1))
    no_islands = state(run(example_setup, 20, external_mode="streamfunction", **FRICTIONLESS))
    assert relative(no_islands[0], pressure[0]) > 1e-2


def test_barotropic_transport_is_non_divergent(example_setup):
    model = run(example_setup, 6, external_mode="streamfunction")
    g = model.grid
    u, v = model.state.u[model.state.tau], model.state.v[model.state.tau]
    U = (u * g.maskU * g.dzt[:, None, None]).sum(axis=0)
    V = (v * g.maskV * g.dzt[:, None, None]).sum(axis=0)
    j, i = g.interior
    j_south, i_west = slice(j.start - 1, j.stop - 1), slice(i.start - 1, i.stop - 1)
    east = U[j, i] * g.dyt_m[j, None]
    west = U[j, i_west] * g.dyt_m[j, None]
    north = V[j, i] * g.cosu[j, None] * g.dxt_m[None, i]
    south = V[j_south, i] * g.cosu[j_south, None] * g.dxt_m[None, i]
    outflow = east - west + north - south  # [m3 s-1] out of each column
    scale = np.abs(east).max()
    assert scale > 1e3  # the channel carries a current
    assert np.abs(outflow).max() <= 1e-13 * scale


def test_start_from_a_moving_state_is_refused(example_setup):
    model = Model(example_setup("acc")(), settings={**SMALL, "external_mode": "streamfunction"})
    st = model.state
    st.u[st.tau][-1, model.grid.h + 3, model.grid.h + 3] = 0.1
    with pytest.raises(SetupError, match="starts from rest.*max \\|u\\|, \\|v\\| = 0.1"):
        model.step()

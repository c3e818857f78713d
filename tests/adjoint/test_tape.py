"""ocean/adjoint/tape.py: the recorded step's adjoint against its exact tangent-linear.

The tangent-linear comes from replaying the recorded step with every kernel run on dual
numbers (``ocean.adjoint.dual``: exact to round-off, independent of the hand-written
adjoints), the halo exchange and the surface-pressure solve applied to the tangents. The
dot-product test <L dx, y> = <dx, L^T y> over every state array (all time levels, halos
included) then checks the whole composition: kernels, fills, copies, halos, the solve.
The solve is converged to 1e-13 both ways, which bounds the mismatch (measured ~1e-14).
"""

import pytest
from basin import basin

from ocean.adjoint.tape import Tape
from ocean.adjoint.verify import step_dot_product
from ocean.errors import SetupError

TOLERANCE = 1e-12

CONFIGS = {
    # tracers, density and halos only (the velocity is held): the step without momentum
    "prescribed_velocity": {"prescribed_velocity": True},
    "prescribed_velocity_dst3_teos10": {
        "prescribed_velocity": True, "tracer_advection": "dst3", "eq_of_state": "teos10",
    },
    "free_surface": {},
    "rigid_lid_dst3_biharmonic": {
        "external_mode": "rigid_lid", "tracer_advection": "dst3", "eq_of_state": "linear",
        "A_hbi": 1e10, "r_quad_bot": 1e-3, "enable_implicit_vert_friction": True,
    },
}  # fmt: skip
PARAMETERS = [("explicit_friction", "r_bot"), ("tracer_explicit_step", "K_h")]


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_step_adjoint_matches_tangent_linear(config):
    model = basin(**CONFIGS[config])
    held = CONFIGS[config].get("prescribed_velocity", False)
    parameters = [k for k in PARAMETERS if not (held and k[0] == "explicit_friction")]
    result = step_dot_product(model, seed=1, parameters=parameters)
    assert result.relative_error <= TOLERANCE, result
    assert all(k in result.scalar_gradients for k in parameters), result.scalar_gradients


def test_superbee_cannot_be_recorded():
    model = basin(tracer_advection="superbee")
    tape = Tape(model)
    with pytest.raises(SetupError, match="superbee"), tape.record():
        model.step()


def test_tke_cannot_be_recorded():
    """The TKE closure has no adjoint kernels: recording says so before any step."""
    model = basin(enable_tke=True)
    tape = Tape(model)
    with pytest.raises(SetupError, match="enable_tke"), tape.record():
        model.step()

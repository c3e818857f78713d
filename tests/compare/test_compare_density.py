"""Density, N^2 and the density's derivatives against Veros, for each of its five
equations of state, given the same temperature and salinity (halo included).

Target of the parity issue: each routine, given identical inputs, agrees to 1e-10
relative (max |ours - Veros| / max |Veros|). The two evaluate the same expressions in a
different order (Horner form here), so the differences are round-off: about 1e-15.
"""

import numpy as np
import pytest
from veros_pair import acc_pair, relative_difference

from ocean.dynamics.tracers import EOS_TYPES, VEROS_TYPES
from ocean.kernels import eos as KE

ROUTINE_TOLERANCE = 1e-10


@pytest.fixture(scope="module")
def pair():
    return acc_pair(nx=8, ny=42)


def random_water(pair, seed):
    """Temperature 0-25 degC and salinity 33-37 g/kg at every point of our arrays."""
    rng = np.random.default_rng(seed)
    shape = pair.ours.state.temp.shape[1:]
    return rng.uniform(0.0, 25.0, shape), rng.uniform(33.0, 37.0, shape)


def use_equation_of_state(pair, name):
    from veros.core.operators import at, update

    pair.ours.tracers.eos = EOS_TYPES[name]
    with pair.veros.settings.unlock():
        pair.veros.settings.eq_of_state_type = VEROS_TYPES[name]
    return at, update


@pytest.mark.parametrize("name", list(VEROS_TYPES))
def test_density_and_stratification(pair, name):
    from veros.core.thermodynamics import calc_eq_of_state

    at, update = use_equation_of_state(pair, name)
    temp, salt = random_water(pair, seed=VEROS_TYPES[name])
    st, vs = pair.ours.state, pair.vs
    st.temp[st.tau][...], st.salt[st.tau][...] = temp, salt
    pair.ours.tracers.equation_of_state(st.tau)
    with vs.unlock():
        vs.temp = update(vs.temp, at[..., vs.tau], pair.as_veros(temp))
        vs.salt = update(vs.salt, at[..., vs.tau], pair.as_veros(salt))
        calc_eq_of_state(pair.veros, vs.tau)
    rho = pair.as_veros(st.rho[st.tau])
    nsqr = pair.as_veros(st.Nsqr[st.tau])
    assert relative_difference(rho, vs.rho[..., vs.tau]) <= ROUTINE_TOLERANCE
    assert relative_difference(nsqr, vs.Nsqr[..., vs.tau]) <= ROUTINE_TOLERANCE


@pytest.mark.parametrize("name", list(VEROS_TYPES))
def test_density_derivatives(pair, name):
    from veros.core import density

    use_equation_of_state(pair, name)
    temp, salt = random_water(pair, seed=10 + VEROS_TYPES[name])
    temp, salt = pair.as_veros(temp), pair.as_veros(salt)
    pressure = np.abs(pair.vs.zt)
    d_temp, d_salt = np.vectorize(lambda t, s, p: KE.density_derivatives(EOS_TYPES[name], t, s, p))(
        temp, salt, pressure
    )
    # Veros returns a scalar where a derivative is constant
    theirs_temp = np.broadcast_to(density.get_drhodT(pair.veros, salt, temp, pressure), temp.shape)
    theirs_salt = np.broadcast_to(density.get_drhodS(pair.veros, salt, temp, pressure), temp.shape)
    assert relative_difference(d_temp, theirs_temp) <= ROUTINE_TOLERANCE
    if name == "quadratic_temperature_only":
        assert np.all(d_salt == 0.0) and np.all(theirs_salt == 0.0)
    else:
        assert relative_difference(d_salt, theirs_salt) <= ROUTINE_TOLERANCE

"""Equations of state against published check values and their own derivatives.

TEOS-10 48-term density: the check values of the TEOS-10 48-term expression (the R gsw
1.0-3 documentation value 1021.8404465661 kg m-3 at S_A = 34.7118 g/kg, Theta = 28.8099 C,
p = 10 dbar; 1026.82511046 at (35, 10, 0); at p = 1000 dbar, (35, 10): drho/dTheta =
-0.19212 and drho/dS_A = 0.76636 kg m-3 per unit), collected in the shared physics facts
and checked there against Veros's gsw_rho.
"""

import numpy as np
import pytest
from adjoint_cases import cases_of, run_case

from ocean import Model
from ocean.backends import get_backend
from ocean.kernels import enthalpy as KH
from ocean.kernels import eos as KE

TEOS10 = 2


def rho(temp, salt, p, eos=TEOS10):
    return KE.density(eos, temp, salt, p) + KE.RHO0


def test_teos10_check_values():
    assert rho(28.8099, 34.7118, 10.0) == pytest.approx(1021.8404465661, abs=1e-10)
    assert rho(10.0, 35.0, 0.0) == pytest.approx(1026.82511046, abs=1e-8)


def test_teos10_derivatives_at_1000_dbar():
    h = 1e-4  # centred differences: error ~ h^2 * third derivative, far below 1e-5
    d_theta = (rho(10.0 + h, 35.0, 1000.0) - rho(10.0 - h, 35.0, 1000.0)) / (2 * h)
    d_salt = (rho(10.0, 35.0 + h, 1000.0) - rho(10.0, 35.0 - h, 1000.0)) / (2 * h)
    assert d_theta == pytest.approx(-0.19212, abs=1e-5)
    assert d_salt == pytest.approx(0.76636, abs=1e-5)


def test_teos10_in_a_model_column_is_stable_stratification(example_setup):
    """Warm over cold water at constant salinity: N^2 > 0 everywhere, and rho increases
    with depth by more than the compressibility alone at constant T (which N^2 removes)."""
    m = Model(example_setup("double_gyre")(), backend="cpu",
              settings={"resolution_km": 400.0, "eq_of_state": "teos10"})  # fmt: skip
    g, st = m.grid, m.state
    interior = (slice(None),) + g.interior
    nsqr = st.get("Nsqr")[:-1]
    assert np.all(nsqr[g.maskW[interior][:-1] > 0] > 0)
    top, bottom = st.get("rho")[-1], st.get("rho")[0]
    assert np.all(bottom > top)
    # compiled kernel == the Python reference of the same expression
    temp, salt = st.get("temp"), st.get("salt")
    expected = np.vectorize(lambda t, s, p: rho(t, s, p) - KE.RHO0)(
        temp, salt, -g.zt[:, None, None]
    )
    assert np.allclose(st.get("rho"), expected, rtol=0, atol=1e-11)


# -- adjoint --------------------------------------------------------------------------------
#: float64 round-off of sums over a few hundred terms (as tests/kernels/test_pressure.py)
DOT_PRODUCT_TOLERANCE = 1e-12


@pytest.mark.parametrize("name", cases_of(KE))
def test_adjoint_dot_product(name):
    result = run_case(name, get_backend("cpu"))
    assert result.relative_error <= DOT_PRODUCT_TOLERANCE, (name, result)
    assert abs(result.forward) > 1e-3  # the test exercised the kernel


# -- the equations of state without pressure (Veros's types 2 and 4) ------------------------
@pytest.mark.parametrize("eos", [3, 4])
def test_quadratic_equations_of_state(eos):
    """rho' = -rho_0 (beta_T dT + beta_Ts/2 dT^2 - beta_S dS): zero at (T0, S0) at any
    pressure, symmetric about the temperature of maximum density T0 - beta_T/beta_Ts, and
    with salinity only in type 3."""
    assert KE.density(eos, KE.THETA0, KE.S0, 0.0) == 0.0
    assert KE.density(eos, KE.THETA0 + 3.0, KE.S0 + 1.0, 4000.0) == KE.density(
        eos, KE.THETA0 + 3.0, KE.S0 + 1.0, 0.0
    )
    t_max = KE.THETA0 - KE.BETA_T / KE.BETA_TS
    for offset in (0.5, 2.0, 7.0):
        below = KE.density(eos, t_max - offset, KE.S0, 0.0)
        above = KE.density(eos, t_max + offset, KE.S0, 0.0)
        assert below == pytest.approx(above, rel=1e-12)
        assert KE.density(eos, t_max, KE.S0, 0.0) > above
    salty = KE.density(eos, KE.THETA0, KE.S0 + 1.0, 0.0)
    assert salty == (pytest.approx(KE.RHO0 * KE.BETA_S, rel=1e-14) if eos == 3 else 0.0)


@pytest.mark.parametrize("eos", [0, 1, 2, 3, 4])
def test_density_derivatives_against_central_differences(eos):
    h = 1e-4  # error ~ h^2 * third derivative: below 1e-9 relative for these polynomials
    temp, salt, p = 4.0, 34.5, 1500.0
    d_temp, d_salt = KE.density_derivatives(eos, temp, salt, p)
    fd_temp = (KE.density(eos, temp + h, salt, p) - KE.density(eos, temp - h, salt, p)) / (2 * h)
    fd_salt = (KE.density(eos, temp, salt + h, p) - KE.density(eos, temp, salt - h, p)) / (2 * h)
    assert d_temp == pytest.approx(fd_temp, rel=1e-8)
    assert d_salt == pytest.approx(fd_salt, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("eos", [0, 1, 2, 3, 4])
def test_state_and_enthalpy_gives_the_equation_of_states_rho_and_nsqr(eos):
    """The kernel the energy-conserving path launches for rho, N^2 and the enthalpy gives
    rho and N^2 bit for bit as equation_of_state (a stratified column with noise, some
    land), and the enthalpy's fields where the cell is wet."""
    rng = np.random.default_rng(eos)
    shape = (6, 4, 5)
    dzt = rng.uniform(50.0, 300.0, shape[0])
    zt = np.cumsum(dzt[::-1])[::-1] * -1.0 + 0.5 * dzt
    dzw = np.append(zt[1:] - zt[:-1], 0.5 * dzt[-1])
    maskT = (rng.uniform(size=shape) > 0.2).astype(float)
    maskW = maskT * np.roll(maskT, -1, axis=0)
    temp = 4.0 - 0.002 * zt[:, None, None] + rng.normal(0.0, 0.5, shape)
    salt = 34.5 + rng.normal(0.0, 0.2, shape)
    args = (eos, temp, salt, maskT, maskW, zt, dzw, 9.81, 1024.0)
    b, box = get_backend("cpu"), (0, shape[0], 0, shape[1], 0, shape[2])
    alone = [np.zeros(shape) for _ in range(2)]
    b.launch(KE.equation_of_state, box, *args, *alone)
    fused = [np.zeros(shape) for _ in range(5)]
    b.launch(KH.state_and_enthalpy, box, *args, *fused)
    assert np.array_equal(fused[0], alone[0]) and np.array_equal(fused[1], alone[1])
    assert np.abs(alone[1]).max() > 0.0
    assert np.all(fused[2][maskT > 0] != 0.0)  # Hd is formed on every wet cell

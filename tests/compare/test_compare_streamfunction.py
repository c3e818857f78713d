"""The streamfunction external mode against Veros (external.streamfunction_init and
external.solve_streamfunction) on the ACC grid, which has two land masses: the northern
wall with the barrier, and the southern wall.

Target: 1e-10 relative per routine (max |ours - Veros| / max |Veros|). Veros solves its
elliptic problem by BiCGstab to an absolute 1e-8; here both solves are exact (Veros's own
matrix by a sparse direct solve, ours by the PCG to 1e-14), so what is compared is the
discretisation, the island integrals and the time stepping, not two solver tolerances.
"""

import numpy as np
import pytest
from veros_pair import acc_pair, interior, ours_layout, relative_difference

from ocean.kernels import pressure as KP

ROUTINE_TOLERANCE = 1e-10


@pytest.fixture(scope="module")
def exact_veros_solve():
    """Veros's linear solver, given its own (Jacobi-scaled) matrix, solved directly."""
    import scipy.sparse.linalg as spalg
    from veros.core.external.solvers import scipy as veros_scipy

    def direct(matrix, rhs, **_):
        return spalg.spsolve(matrix.tocsc(), rhs), 0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(veros_scipy.spalg, "bicgstab", direct)
        yield


@pytest.fixture(scope="module")
def pair(exact_veros_solve):
    pair = acc_pair(nx=8, ny=42)  # the ACC setups of both use the streamfunction
    pair.ours.settings.congr_epsilon = 1e-14
    return pair


def test_land_masses_and_island_integrals(pair):
    vs, ext = pair.vs, pair.ours.external
    assert pair.veros.settings.enable_streamfunction
    assert ext.count == int(vs.isle.size) == 2
    assert relative_difference(ext.line_psin, np.asarray(vs.line_psin)[1:, 1:]) <= 1e-10
    # the harmonic function that is 1 on the southern coast, halo included
    difference = relative_difference(pair.as_veros(ext.basis[0]), vs.psin[..., 1])
    assert difference <= ROUTINE_TOLERANCE, difference


def random_momentum(pair, seed):
    """Tendencies ~1e-6 m s-2, velocities ~0.1 m s-1 on wet points; psi ~1e7 m3 s-1 and
    its interior tendencies ~10 m3 s-2; the islands' old rate; rho = 0 (no hydrostatic
    pressure gradient: du is the whole tendency in both)."""
    from veros.core.operators import at, update

    rng = np.random.default_rng(seed)
    vs = pair.vs
    shape = vs.u.shape[:3]
    unknown = np.asarray(vs.isle_boundary_mask) & (np.asarray(vs.maskZ[..., -1]) > 0)
    fields = {
        "du_tau": rng.normal(0, 1e-6, shape) * vs.maskU,
        "du_old": rng.normal(0, 1e-6, shape) * vs.maskU,
        "dv_tau": rng.normal(0, 1e-6, shape) * vs.maskV,
        "dv_old": rng.normal(0, 1e-6, shape) * vs.maskV,
        "du_mix": rng.normal(0, 1e-7, shape) * vs.maskU,
        "dv_mix": rng.normal(0, 1e-7, shape) * vs.maskV,
        "u": rng.normal(0, 0.1, shape) * vs.maskU,
        "v": rng.normal(0, 0.1, shape) * vs.maskV,
        "psi": rng.normal(0, 1e7, shape[:2]),
        "dpsi_tau": rng.normal(0, 10.0, shape[:2]) * unknown,
        "dpsi_old": rng.normal(0, 10.0, shape[:2]) * unknown,
        "rate_old": rng.normal(0, 10.0),
    }
    with vs.unlock():
        vs.rho = vs.rho * 0.0
        vs.du = update(vs.du, at[..., vs.tau], fields["du_tau"])
        vs.du = update(vs.du, at[..., vs.taum1], fields["du_old"])
        vs.dv = update(vs.dv, at[..., vs.tau], fields["dv_tau"])
        vs.dv = update(vs.dv, at[..., vs.taum1], fields["dv_old"])
        vs.du_mix, vs.dv_mix = fields["du_mix"], fields["dv_mix"]
        vs.u = update(vs.u, at[..., vs.tau], fields["u"])
        vs.v = update(vs.v, at[..., vs.tau], fields["v"])
        vs.psi = update(vs.psi, at[..., vs.tau], fields["psi"])
        vs.dpsi = update(vs.dpsi, at[..., vs.tau], fields["dpsi_tau"])
        vs.dpsi = update(vs.dpsi, at[..., vs.taum1], fields["dpsi_old"])
        vs.dpsin = update(vs.dpsin, at[1, vs.taum1], fields["rate_old"])
    return fields


def our_step(pair, f):
    """Our momentum predictor and streamfunction step from the same fields; dpsi holds
    the islands' parts (Veros keeps them apart): dpsi[tau] = Veros's dpsi + rate psi_1."""
    m = pair.ours
    st, s, d, b = m.state, m.settings, m.dev, m.backend
    tau, taum1, taup1 = st.tau, st.taum1, st.taup1
    basis = ours_layout(np.asarray(pair.vs.psin[..., 1]))
    for name, level, value in [
        ("du", tau, f["du_tau"]), ("du", taum1, f["du_old"]), ("dv", tau, f["dv_tau"]),
        ("dv", taum1, f["dv_old"]), ("u", tau, f["u"]), ("v", tau, f["v"]),
        ("streamfunction", tau, f["psi"]), ("dpsi", taum1, f["dpsi_old"]),
        ("dpsi", tau, ours_layout(f["dpsi_tau"]) + f["rate_old"] * basis),
    ]:  # fmt: skip
        value = ours_layout(value) if value.shape[:2] == f["psi"].shape[:2] else value
        st.arrays[name][level][...] = value
    st.du_mix[...], st.dv_mix[...] = ours_layout(f["du_mix"]), ours_layout(f["dv_mix"])
    b.launch(
        KP.momentum_ab_step, m.grid.box(),
        st.u[tau], st.v[tau], st.du[tau], st.dv[tau], st.du[taum1], st.dv[taum1],
        st.du_mix, st.dv_mix, d.maskU, d.maskV, s.dt_mom, 1.5 + s.AB_eps, 0.5 + s.AB_eps,
        st.u[taup1], st.v[taup1],
    )  # fmt: skip
    m.fill_halo(st.u[taup1], st.v[taup1])
    st.itt = 1  # not the first step (which checks that the run starts from rest)
    m.external._step()
    return st


def test_streamfunction_step(pair):
    from veros.core.external.solve_stream import solve_streamfunction

    f = random_momentum(pair, seed=61)
    solve_streamfunction(pair.veros)
    vs = pair.vs
    ours = our_step(pair, f)
    psin = np.asarray(vs.psin[..., 1])
    dpsi_veros = vs.dpsi[..., vs.taup1] + vs.dpsin[1, vs.tau] * psin
    compared = [
        ("u", ours.u[ours.taup1], vs.u[..., vs.taup1]),
        ("v", ours.v[ours.taup1], vs.v[..., vs.taup1]),
        ("psi", ours.streamfunction[ours.taup1], vs.psi[..., vs.taup1]),
        ("dpsi", ours.dpsi[ours.taup1], dpsi_veros),
    ]
    for name, mine, theirs in compared:
        difference = relative_difference(interior(pair.as_veros(mine)), interior(theirs))
        assert difference <= ROUTINE_TOLERANCE, (name, difference)
    # the island's rate is not a small part of the answer: the test would see it missing
    assert abs(float(vs.dpsin[1, vs.tau])) * psin.max() > 1e-3 * np.abs(dpsi_veros).max()

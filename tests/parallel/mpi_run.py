"""Run under mpiexec by the parallel tests (not collected by pytest: no ``test_`` prefix).

``python mpi_run.py model SETUP OUT.npz STEPS [--restart-in F] [--restart-out F] [-s NAME VALUE]``
runs the example ``SETUP`` (or the setup file SETUP.py) on every rank and writes, from rank
0, the global interior of every restart field at every time level (in time-level order
taum1, tau, taup1) to OUT.

``python mpi_run.py halo OUT.npz NX NY PERIODIC H`` checks the halo exchange of one
decomposition (the rank count) against the global pattern and writes the mismatch count.

``python mpi_run.py adjoint OUT.npz [-s NAME VALUE]`` runs the dot-product test of one
recorded step of the adjoint tests' basin and writes its sums over the ranks.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def run_model(args, comm):
    from ocean.io.gather import gather_interior
    from ocean.io.restart import read_restart, write_restart
    from ocean.loader import load_setup
    from ocean.model import Model

    path = Path(args.setup) if args.setup.endswith(".py") else ROOT / "examples" / args.setup
    setup = load_setup(path.with_suffix(".py"))()
    settings = dict(args.s)
    model = Model(setup, backend="cpu", settings=settings, comm=comm)
    if args.restart_in:
        read_restart(model, args.restart_in)
    model.run(args.steps)
    if args.restart_out:
        write_restart(model, args.restart_out)
    st = model.state
    order = (st.taum1, st.tau, st.taup1)
    result = {}
    for name, var in st.variables.items():
        if not var.restart:
            continue
        host = model.backend.to_host(st.arrays[name])
        if var.levels > 1:
            host = host[list(order)]
        result[name] = gather_interior(model, host[(Ellipsis,) + model.grid.interior])
    g = model.grid
    spacing = min(g.dxt_m.min(), g.dyt_m.min())
    if comm.rank == 0:
        np.savez(args.out, itt=st.itt, time=st.time, min_dx=spacing, dzt=g.dzt, **result)


def run_halo(args, comm):
    from ocean.backends import get_backend
    from ocean.decomposition import Decomposition, automatic_layout
    from ocean.halo import HaloExchange

    px, py = automatic_layout(comm.size, args.nx, args.ny) if args.px == 0 else (args.px, args.py)
    decomp = Decomposition(args.nx, args.ny, px, py, comm.rank, args.h, bool(args.periodic))
    decomp.check()
    backend = get_backend(args.backend)
    halo = HaloExchange(decomp, comm, backend)
    mismatches = check_halo(decomp, halo, backend)
    total = comm.gather_to_root(mismatches)
    forward, adjoint = exchange_dot_product(decomp, halo, backend, seed=comm.rank)
    sums = comm.allreduce_sums([forward, adjoint])
    if comm.rank == 0:
        np.savez(args.out, mismatches=np.array(total), layout=np.array([px, py]),
                 dot=np.array(sums))  # fmt: skip


def pattern(decomp, nz):
    """(initial, expected) block arrays: the code of the global position inside the domain,
    a marker of it beyond the domain's edges. At first a block holds only what it owns (its
    interior, and the cells beyond the edge whose nearest domain cell is in its interior),
    NaN elsewhere."""
    h, ny, nx = decomp.halo, decomp.local_ny, decomp.local_nx
    jg = decomp.j0 - h + np.arange(ny + 2 * h)[:, None]
    ig = decomp.i0 - h + np.arange(nx + 2 * h)[None, :]
    if decomp.periodic_x:
        ig = ig % decomp.nx
    inside = (jg >= 0) & (jg < decomp.ny) & (ig >= 0) & (ig < decomp.nx)
    k = np.arange(nz)[:, None, None]
    code = 1e6 * k + 1000.0 * jg + ig + 0.5
    marker = -(1e6 * k + 1000.0 * (jg + 10) + (ig + 10))
    expected = np.where(inside, code, marker)
    nearest_j = np.clip(jg, 0, decomp.ny - 1)
    nearest_i = np.clip(ig, 0, decomp.nx - 1)
    own = (
        (nearest_j >= decomp.j0) & (nearest_j < decomp.j0 + ny)
        & (nearest_i >= decomp.i0) & (nearest_i < decomp.i0 + nx)
    )  # fmt: skip
    initial = np.where(own, expected, np.nan)
    return initial, expected


def check_halo(decomp, halo, backend=None):
    """Exchange a 3-D and a 2-D field together; count cells that differ from the pattern."""
    f3, e3 = pattern(decomp, 3)
    f2, e2 = pattern(decomp, 1)
    f2, e2 = f2[0].copy(), e2[0]
    if backend is not None:
        f3, f2 = backend.asarray(f3), backend.asarray(f2)
    halo.exchange(f3, f2)
    if backend is not None:
        f3, f2 = backend.to_host(f3), backend.to_host(f2)
    return int((f3 != e3).sum() + (f2 != e2).sum())


def exchange_dot_product(decomp, halo, backend, seed=0):
    """<E x, y> and <x, E^T y> on this block (E: the exchange, E^T: its adjoint) for a
    random 3-D and 2-D field; their sums over the ranks must agree."""
    rng = np.random.default_rng(seed)
    shape = (3, decomp.local_ny + 2 * decomp.halo, decomp.local_nx + 2 * decomp.halo)
    x3, y3 = rng.standard_normal(shape), rng.standard_normal(shape)
    x2, y2 = rng.standard_normal(shape[1:]), rng.standard_normal(shape[1:])
    # copies: on the host asarray may hand back the very array
    ex3, ex2 = backend.asarray(x3.copy()), backend.asarray(x2.copy())
    halo.exchange(ex3, ex2)
    ety3, ety2 = backend.asarray(y3.copy()), backend.asarray(y2.copy())
    halo.exchange_adjoint(ety3, ety2)
    h = backend.to_host
    forward = float(np.sum(h(ex3) * y3) + np.sum(h(ex2) * y2))
    adjoint = float(np.sum(x3 * h(ety3)) + np.sum(x2 * h(ety2)))
    return forward, adjoint


def run_adjoint(args, comm):
    sys.path.insert(0, str(ROOT / "tests" / "adjoint"))
    from basin import basin

    from ocean.adjoint.verify import step_dot_product

    model = basin(comm=comm, **dict(args.s))
    result = step_dot_product(model, seed=100 + comm.rank)
    sums = comm.allreduce_sums([result.forward, result.adjoint])
    if comm.rank == 0:
        np.savez(args.out, dot=np.array(sums), layout=np.array([model.decomp.px, model.decomp.py]))


def main():
    from ocean.comm import MpiComm, SerialComm

    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    m = sub.add_parser("model")
    m.add_argument("setup")
    m.add_argument("out")
    m.add_argument("steps", type=int)
    m.add_argument("--restart-in")
    m.add_argument("--restart-out")
    m.add_argument("-s", nargs=2, action="append", default=[])
    hp = sub.add_parser("halo")
    hp.add_argument("out")
    for name in ("nx", "ny", "periodic", "h"):
        hp.add_argument(name, type=int)
    hp.add_argument("--px", type=int, default=0)
    hp.add_argument("--py", type=int, default=0)
    hp.add_argument("--backend", default="cpu")
    ad = sub.add_parser("adjoint")
    ad.add_argument("out")
    ad.add_argument("-s", nargs=2, action="append", default=[])
    args = p.parse_args()
    comm = MpiComm()
    comm = comm if comm.size > 1 else SerialComm()
    {"model": run_model, "halo": run_halo, "adjoint": run_adjoint}[args.mode](args, comm)


if __name__ == "__main__":
    sys.exit(main())

"""Strong and weak scaling under MPI: seconds per step split into compute, halo exchange,
solver and global reductions, and the parallel efficiency.

Configuration: the ACC benchmark of ``acc_benchmark.py`` (free surface, dt 600 s) at a
given grid. Strong scaling keeps the grid and adds ranks; weak scaling keeps the block per
rank (``--weak-block``) and grows the grid with the ranks (x doubled first, then y). Each
run is one ``mpiexec`` job; every rank times ``--steps`` steps after ``--warmup`` steps,
between two barriers; the step time reported is the slowest rank's, the split its
categories (``ocean/timers.py``: exclusive timers, compute = the rest of the step).

Usage: ``python benchmarks/scaling.py [--ranks 1,2] [--strong 240x160x30] [--weak-block
120x80x30] [--steps 20]``. Prints a table, writes ``benchmarks/results/scaling-<host>.json``.
Each rank runs ``--threads-per-rank`` Numba threads (default 1), so N ranks use N cores and
the efficiency is per core. On a machine with fewer cores than ranks x threads the ranks
share cores: efficiency there measures oversubscription, not the code.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from machine import machine_info  # noqa: E402

CATEGORIES = ("compute", "halo", "solver", "reduction")


def parse_size(text):
    nx, ny, nz = (int(n) for n in text.lower().split("x"))
    return nx, ny, nz


def weak_size(block, ranks):
    """Grid of ``ranks`` blocks of size ``block``: x doubles first, then y."""
    nx, ny, nz = block
    px = py = 1
    while px * py < ranks:
        if px <= py:
            px *= 2
        else:
            py *= 2
    if px * py != ranks:
        raise SystemExit(f"weak scaling needs a power of two ranks, got {ranks}")
    return (nx * px, ny * py, nz), (px, py)


# -- one MPI job ------------------------------------------------------------------------
def worker(args):
    from acc_benchmark import bench_setup

    from ocean.comm import world_comm
    from ocean.model import Model

    comm = world_comm()
    nx, ny, nz = parse_size(args.worker)
    settings = {"nx": nx, "ny": ny, "nz": nz, "reproducible_sums": args.reproducible,
                "congr_coarse_tile": args.coarse_tile}  # fmt: skip
    if args.decomp:
        settings["decomp_x"], settings["decomp_y"] = args.decomp.split("x")
    setup = bench_setup(args.external_mode)()
    model = Model(setup, backend="cpu", settings=settings, comm=comm)
    model.run(args.warmup)
    model.timers.reset()
    barrier(comm)
    start = time.perf_counter()
    iterations = 0
    for _ in range(args.steps):
        model.step()
        iterations += model.external.iterations
    barrier(comm)
    wall = (time.perf_counter() - start) / args.steps
    split = {k: v / args.steps for k, v in model.timers.split().items()}
    rows = comm.gather_to_root({"wall": wall, "split": split, "iterations": iterations})
    if comm.rank == 0:
        slowest = max(rows, key=lambda r: sum(r["split"].values()))
        d = model.decomp
        print(json.dumps({
            "grid": [nx, ny, nz], "ranks": comm.size, "layout": [d.px, d.py],
            "s_per_step": max(r["wall"] for r in rows), "split": slowest["split"],
            "solver_iterations_per_step": slowest["iterations"] / args.steps,
        }))  # fmt: skip


def barrier(comm):
    comm.barrier()


def run_job(size, ranks, args, decomp=None):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "x".join(map(str, size)),
           "--steps", str(args.steps), "--warmup", str(args.warmup),
           "--reproducible", str(args.reproducible).lower(),
           "--external-mode", args.external_mode,
           "--coarse-tile", str(args.coarse_tile)]  # fmt: skip
    if decomp:
        cmd += ["--decomp", "x".join(map(str, decomp))]
    if ranks > 1:
        mpiexec = Path(sys.executable).parent / "mpiexec"
        cmd = [str(mpiexec if mpiexec.exists() else "mpiexec"), "-n", str(ranks), *cmd]
    env = dict(os.environ)
    env.setdefault("NUMBA_CACHE_DIR", str(ROOT / "build" / "numba-cache"))
    env.setdefault("OCEAN_CACHE_DIR", str(ROOT / "build" / "ocean-cache"))
    env["NUMBA_NUM_THREADS"] = str(args.threads_per_rank)  # N ranks use N x this many cores
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the driver -------------------------------------------------------------------------
def row_text(kind, r, base):
    s = r["s_per_step"]
    speedup = base["s_per_step"] / s
    ideal = r["ranks"] / base["ranks"] if kind == "strong" else 1.0
    eff = speedup / ideal
    split = r["split"]
    total = sum(split.get(c, 0.0) for c in CATEGORIES) or 1.0
    parts = " ".join(f"{100 * split.get(c, 0.0) / total:5.1f}" for c in CATEGORIES)
    grid = "x".join(map(str, r["grid"]))
    layout = "x".join(map(str, r["layout"]))
    return (f"{kind:6s} {grid:>12s} {r['ranks']:5d} {layout:>6s} {s:10.4f} {speedup:7.2f} "
            f"{100 * eff:6.1f}%  {parts}   {r['solver_iterations_per_step']:6.1f}")  # fmt: skip


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ranks", default="1,2")
    p.add_argument("--strong", default="240x160x30")
    p.add_argument("--weak-block", default="120x80x30")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--reproducible", default="true", choices=("true", "false"))
    p.add_argument("--threads-per-rank", type=int, default=1)
    modes = ("free_surface", "rigid_lid", "streamfunction")
    p.add_argument("--external-mode", default="free_surface", choices=modes)
    p.add_argument("--coarse-tile", type=int, default=0, help="congr_coarse_tile (0: Jacobi)")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--decomp", help=argparse.SUPPRESS)
    p.add_argument("--out", default=None)
    args = p.parse_args()
    args.reproducible = args.reproducible == "true"
    if args.worker:
        return worker(args)
    ranks = [int(r) for r in args.ranks.split(",")]
    results = {"strong": [], "weak": []}
    for n in ranks:
        results["strong"].append(run_job(parse_size(args.strong), n, args))
        size, layout = weak_size(parse_size(args.weak_block), n)
        results["weak"].append(run_job(size, n, args, layout))
    header = (f"{'kind':6s} {'grid':>12s} {'ranks':>5s} {'layout':>6s} {'s/step':>10s} "
              f"{'speedup':>7s} {'effic.':>7s}  {'%comp':>5s} {'%halo':>5s} {'%solv':>5s} "
              f"{'%red':>5s}   {'CG it':>6s}")  # fmt: skip
    info = machine_info()
    print(f"machine: {info}; {args.threads_per_rank} thread(s) per rank, "
          f"reproducible_sums={args.reproducible}, {args.external_mode}, "
          f"congr_coarse_tile={args.coarse_tile}")  # fmt: skip
    print(header)
    for kind in ("strong", "weak"):
        for r in results[kind]:
            print(row_text(kind, r, results[kind][0]))
    report = {"machine": info, "date": time.strftime("%Y-%m-%d"), "steps": args.steps,
              "reproducible_sums": args.reproducible, "threads_per_rank": args.threads_per_rank,
              "external_mode": args.external_mode, "congr_coarse_tile": args.coarse_tile,
              "results": results}  # fmt: skip
    out = Path(args.out) if args.out else HERE / "results" / f"scaling-{info['host']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

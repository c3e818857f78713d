"""Training data for a momentum closure: coarse-grained velocities and subgrid forcing.

Runs the fine double gyre (25 km, 80 x 80 x 10) from rest with the Model API, spins it
up, then every ``--every-days`` collects at the current time level

    inputs   u_c = C(u_f), v_c = C(v_f)                                         [m s-1]
    targets  S_u = C(F_f(u_f)) - F_c(C(u_f)),  S_v likewise                      [m s-2]

on the coarse grid (factor 2: 50 km, 40 x 40 x 10). F is the model's own momentum
advection (``--target advection``: the subgrid momentum flux divergence) or advection plus
friction (``--target advection+friction``, the default: the coarse model's much larger
viscosity is then part of what the closure corrects), F_f computed by the fine model, F_c
by a coarse Model (``resolution_km 50``) that holds C(u_f); C is the transport-conserving
face average of ``coarse_grain.py``. S does not include the commutation errors of the
Coriolis and pressure terms. The 25 km run is nearly laminar (its EKE is 0.04 cm2 s-2):
the advection-only S is small (rms 1.7e-8 m s-2) and a closure trained on it changed
nothing measurable; with friction S is ten times larger (rms 1.7e-7 m s-2) and the
closure recovers most of the coarse model's missing kinetic energy
(``examples/closures/README.md``).

Writes ``<out-dir>/<data>`` (.npz: ``u, v, Su, Sv`` float32 [sample, k, J, I], ``time_days``,
``maskU, maskV``, ``grid_spacing`` [m], ``factor``, ``target``, ``dzt`` [m]) and the fine model's
restart at the end of the data period (``<out-dir>/<restart>``), each written to a
temporary name and renamed, and a JSON summary beside the data.

    python examples/closures/make_training_data.py                       # ~15 min, 2 cores
    python examples/closures/make_training_data.py --spinup-days 0 \\
        --start build/closures/fine_spinup.restart.h5                   # from the spin-up
    python examples/closures/make_training_data.py --spinup-days 0.1 \\
        --sample-days 0.1 --every-days 0.02 --out-dir /tmp/smoke       # seconds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coarse_grain import TARGETS, check_alignment, double_gyre, subgrid_forcing  # noqa: E402

from ocean.io.restart import read_restart, write_restart  # noqa: E402

DAY = 86400.0
ROOT = Path(__file__).resolve().parents[2]


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fine-km", type=float, default=25.0, help="fine grid spacing [km]")
    p.add_argument("--factor", type=int, default=2, help="coarse-graining factor")
    p.add_argument("--spinup-days", type=float, default=360.0, help="spin-up from rest [d]")
    p.add_argument("--sample-days", type=float, default=180.0, help="data period [d]")
    p.add_argument("--every-days", type=float, default=1.0, help="sampling interval [d]")
    p.add_argument("--start", type=Path, help="fine restart to start from instead of rest")
    p.add_argument(
        "--target",
        choices=TARGETS,
        default="advection+friction",
        help="what S corrects: advection only, or advection and friction",
    )
    p.add_argument("--out-dir", type=Path, default=ROOT / "build" / "closures")
    p.add_argument("--data", default="training_data.npz", help="samples file name")
    p.add_argument("--restart", default="fine_end.restart.h5", help="fine restart file name")
    return p.parse_args(argv)


def steps_of(days, dt):
    return max(1, int(round(days * DAY / dt)))


def log(msg, t0):
    print(f"[{time.perf_counter() - t0:7.1f} s] {msg}", flush=True)


def save_npz(path: Path, **arrays):
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)


def main(argv=None):
    args = parse(argv)
    t0 = time.perf_counter()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    fine = double_gyre(args.fine_km)
    coarse = double_gyre(args.fine_km * args.factor)
    check_alignment(fine, coarse, args.factor)
    if args.start is not None:
        read_restart(fine, args.start)
    dt = fine.settings.dt_tracer
    g = fine.grid
    log(f"fine {g.nx}x{g.ny}x{g.nz}, dt {dt:g} s; coarse {coarse.grid.nx}x{coarse.grid.ny}", t0)

    spinup = steps_of(args.spinup_days, dt)
    chunk = max(1, spinup // 20)
    done = 0
    while done < spinup:
        n = min(chunk, spinup - done)
        fine.run(n)
        done += n
        fine.monitor.check()
        u_max = np.abs(fine.state.get("u")).max()
        log(f"spin-up day {fine.state.time / DAY:7.2f}, max |u| {u_max:.3f} m/s", t0)
    t_spin = time.perf_counter() - t0
    if args.start is None and spinup > 1:  # keep the spun-up state: later runs may --start
        write_restart(fine, args.out_dir / "fine_spinup.restart.h5")

    every = steps_of(args.every_days, dt)
    n_samples = max(1, int(round(args.sample_days / args.every_days)))
    samples = {"u": [], "v": [], "Su": [], "Sv": []}
    times = []
    for n in range(n_samples):
        fine.run(every)
        fine.monitor.check()
        fields = subgrid_forcing(fine, coarse, args.factor, args.target)
        for key, arr in zip(samples, fields, strict=True):
            samples[key].append(arr.astype(np.float32))
        times.append(fine.state.time / DAY)
        if n % max(1, n_samples // 20) == 0 or n == n_samples - 1:
            rms = float(np.sqrt(np.mean(fields[2] ** 2)))
            log(f"sample {n + 1}/{n_samples} day {times[-1]:7.2f}, rms S_u {rms:.3e}", t0)
    t_total = time.perf_counter() - t0

    cg = coarse.grid
    inner = (slice(None),) + cg.interior
    data_path = args.out_dir / args.data
    save_npz(
        data_path,
        **{k: np.stack(v) for k, v in samples.items()},
        time_days=np.array(times),
        maskU=cg.maskU[inner].astype(np.float32),
        maskV=cg.maskV[inner].astype(np.float32),
        grid_spacing=np.array(float(cg.dxt_m[cg.h])),
        factor=np.array(args.factor),
        target=np.array(args.target),
        dzt=np.array(cg.dzt),
    )
    restart_path = args.out_dir / args.restart
    write_restart(fine, restart_path)
    summary = {
        "fine_km": args.fine_km,
        "factor": args.factor,
        "dt_fine_s": dt,
        "spinup_days": spinup * dt / DAY,
        "samples": n_samples,
        "every_days": every * dt / DAY,
        "target": args.target,
        "first_sample_day": times[0],
        "last_sample_day": times[-1],
        "wall_spinup_s": round(t_spin, 1),
        "wall_total_s": round(t_total, 1),
        "fine_steps_per_s": round((spinup + n_samples * every) / t_total, 1),
        "data": str(data_path),
        "restart": str(restart_path),
    }
    summary_path = data_path.with_suffix(".json")
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    log(f"wrote {data_path}, {restart_path}, {summary_path}", t0)
    return summary


if __name__ == "__main__":
    main()

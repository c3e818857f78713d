"""Run a model for a number of steps with output, restarts and a progress bar."""

from __future__ import annotations

import time
from pathlib import Path

from tqdm import tqdm

from .io.energy import EnergyBudget
from .io.netcdf import Averages, Snapshots
from .io.restart import read_restart, write_restart

YEAR = 365.0 * 86400.0


class Schedule:
    """Fires whenever model time crosses a multiple of ``interval`` (0: never)."""

    def __init__(self, interval, now):
        self.interval = interval
        self.next = (now // interval + 1) * interval if interval > 0 else float("inf")

    def due(self, now, dt):
        now = now + 1e-6 * dt  # tolerate round-off in the accumulated model time
        if now < self.next:
            return False
        self.next += self.interval * (int((now - self.next) // self.interval) + 1)
        return True


def steps_for(model, steps=None, days=None):
    if steps is not None:
        return int(steps)
    seconds = days * 86400.0 if days is not None else model.settings.runlen
    return max(0, int(round(seconds / model.settings.dt_tracer)))


def run_model(model, steps, output_dir, restart=None, quiet=False):
    """Advance ``model`` by ``steps`` steps writing output to ``output_dir``.

    Snapshots at the start and every ``snapshot_frequency``; averages every
    ``averages_frequency``; energy-budget means every ``energy_frequency``; the restart
    every ``restart_frequency`` and at the end, each written only after the NaN/CFL check
    has passed. A ``ModelError`` propagates after the progress bar is closed; restarts
    already on disk are left as they were. A run from ``restart`` continues existing output
    files of the same grid in ``output_dir``.
    """
    s, st = model.settings, model.state
    out = Path(output_dir)
    if restart is not None:
        read_restart(model, restart)  # a wrong restart fails before anything is written
    out.mkdir(parents=True, exist_ok=True)
    append = restart is not None
    snapshots = Snapshots(model, out / f"{model.name}.snapshot.nc", append)
    averages = None
    if s.averages_frequency:
        averages = Averages(model, out / f"{model.name}.averages.nc", append)
    energy = None
    if s.energy_frequency:
        energy = EnergyBudget(model, out / f"{model.name}.energy.nc", append)
    restart_path = out / f"{model.name}.restart.h5"
    snap_at = Schedule(s.snapshot_frequency, st.time)
    avg_at = Schedule(s.averages_frequency, st.time)
    energy_at = Schedule(s.energy_frequency, st.time)
    restart_at = Schedule(s.restart_frequency, st.time)
    snapshots.write()
    start_wall, start_time = time.perf_counter(), st.time
    quiet = quiet or model.comm.rank != 0  # one progress bar, on rank 0
    bar = tqdm(total=steps, disable=quiet, unit="step", dynamic_ncols=True, bar_format=BAR_FORMAT)
    try:
        for _ in range(steps):
            model.step()
            dt = s.dt_tracer
            if averages is not None and st.itt % s.averages_sampling == 0:
                averages.sample()
            if averages is not None and avg_at.due(st.time, dt):
                averages.write()
            if energy is not None and st.itt % s.energy_sampling == 0:
                energy.sample()
            if energy is not None and energy_at.due(st.time, dt):
                energy.write()
            if snap_at.due(st.time, dt):
                snapshots.write()
            if restart_at.due(st.time, dt):
                model.monitor.check()
                write_restart(model, restart_path)
            if not quiet:
                bar.set_postfix_str(progress_text(st.time, start_time, start_wall), refresh=False)
                bar.update(1)
        model.monitor.check()
    finally:
        bar.close()
    if s.snapshot_frequency == 0 or snapshots.writer.count == 1:
        snapshots.write()
    write_restart(model, restart_path)
    return out


#: steps, elapsed/remaining wall time (ETA), then model day and SYPD
BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} steps [{elapsed}<{remaining}{postfix}]"


def progress_text(now, start_time, start_wall):
    wall = max(time.perf_counter() - start_wall, 1e-9)
    sypd = (now - start_time) / YEAR / (wall / 86400.0)
    return f"day {now / 86400:.1f}, {sypd:.3g} SYPD"

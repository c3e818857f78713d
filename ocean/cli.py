"""The ``ocean`` command: ``ocean run``, ``ocean train``, ``ocean plot``, ``ocean settings``,
``ocean closures list``.

Bad input (unknown or invalid setting, setup file without a Setup, restart of another
grid, conflicting options) fails before the first step with one line on stderr and exit
status 2; a blow-up (NaN, CFL) prints the model's message and exits with status 1.

Under ``mpirun -n N ocean run ...`` every rank runs the same command on its block. An
error that every rank sees (a blow-up found by the collective check) is printed once by
rank 0; an error of some ranks only is printed by each of them, which then abort the
whole job (``MPI_Abort``) so that no rank waits for the others for ever.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ModelError, SetupError
from .settings import SETTINGS, SettingError


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (exit status 2), like every other bad input."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} -h`)\n")


def build_parser():
    p = _Parser(prog="ocean", description="ocean-hybrid ocean model")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a setup file")
    run.add_argument("setup", help="setup file defining a Setup subclass")
    run.add_argument("-s", dest="overrides", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="change a setting (repeatable)")  # fmt: skip
    length = run.add_mutually_exclusive_group()
    length.add_argument("--steps", type=int, help="number of time steps")
    length.add_argument("--days", type=float, help="model days to run (default: runlen)")
    run.add_argument("--backend", choices=("cpu", "cuda"), default=None)
    run.add_argument("--decomp", nargs=2, type=int, metavar=("PX", "PY"), default=None,
                     help="MPI blocks in x and y (default: automatic)")  # fmt: skip
    run.add_argument("--output-dir", default=".", help="folder for output and restarts")
    run.add_argument("--restart", default=None, help="restart file to start from")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    plot = sub.add_parser("plot", help="quick-look PNG of an output file")
    plot.add_argument("file", help="snapshot or averages NetCDF file")
    plot.add_argument("--var", default="temp", help="variable (default temp)")
    plot.add_argument("--out", default=None, help="PNG path (default FILE.VAR.png)")
    plot.add_argument("--time", type=int, default=-1, help="time index (default -1, last)")
    plot.add_argument("--level", default="top", help="'top', 'bottom' or a level index k")
    settings = sub.add_parser("settings", help="list every setting with default and units")
    settings.add_argument("setup", nargs="?", help="also list this setup file's own settings")
    add_train_parser(sub)
    closures = sub.add_parser("closures", help="closures: `ocean closures list`")
    closures.add_argument("action", choices=("list",), help="list the registered closures")
    return p


def add_train_parser(sub):
    t = sub.add_parser("train", help="train an ONNX closure online through the model")
    t.add_argument("setup", help="setup file defining a Setup subclass")
    t.add_argument("--closure", required=True, help=".onnx closure to start from")
    t.add_argument("--data", required=True,
                   help="reference samples (.npz: time_days, fields [sample,k,j,i])")  # fmt: skip
    t.add_argument("--out", required=True, help="trained .onnx to write")
    t.add_argument("-s", dest="overrides", nargs=2, action="append", default=[],
                   metavar=("NAME", "VALUE"), help="change a setting (repeatable)")  # fmt: skip
    t.add_argument("--fields", default="u,v", help="fields of the loss (default u,v)")
    t.add_argument("--window", type=int, default=2, help="samples after each start (default 2)")
    t.add_argument("--snapshots", type=int, default=5, help="checkpoints per window rollout")
    t.add_argument("--epochs", type=int, default=1)
    t.add_argument("--batch", type=int, default=1, help="windows per update")
    t.add_argument("--lr", type=float, default=1e-4, help="Adam learning rate")
    t.add_argument("--clip", type=float, default=1.0, help="gradient norm clip (0: none)")
    t.add_argument("--checkpoint", default=None, help="optimizer checkpoint (.npz) per epoch")
    t.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    t.add_argument("--quiet", action="store_true", help="no progress bar")


def cmd_train(args, comm):
    from .adjoint.training import train_from_files

    train_from_files(args)


def cmd_run(args, comm):
    from .loader import load_setup
    from .model import Model
    from .runner import run_model, steps_for

    if args.steps is not None and args.steps < 0:
        raise SetupError(f"--steps must be >= 0, got {args.steps}")
    if args.days is not None and args.days < 0:
        raise SetupError(f"--days must be >= 0, got {args.days}")
    if args.restart is not None and not Path(args.restart).is_file():
        raise SetupError(f"restart file {args.restart!r} does not exist")
    setup_class = load_setup(args.setup)
    overrides = dict(args.overrides)
    if args.decomp is not None:
        overrides["decomp_x"], overrides["decomp_y"] = (str(n) for n in args.decomp)
    model = Model(setup_class(), backend=args.backend, settings=overrides, comm=comm)
    steps = steps_for(model, args.steps, args.days)
    restart_path = Path(args.output_dir) / f"{model.name}.restart.h5"
    try:
        out = run_model(model, steps, args.output_dir, restart=args.restart, quiet=args.quiet)
    except ModelError as err:
        kept = f"; last good restart: {restart_path}" if restart_path.is_file() else ""
        raise ModelError(f"{err}{kept}", collective=err.collective) from err
    if not args.quiet and comm.rank == 0:
        print(f"{model.name}: {steps} steps to day {model.state.time / 86400:.2f}; output in {out}")


def cmd_plot(args, comm):
    from .plot import quicklook

    print(quicklook(args.file, args.var, args.out, args.time, args.level))


def cmd_settings(args, comm):
    table = dict(SETTINGS)
    if args.setup:
        from .loader import load_setup

        table.update(load_setup(args.setup).extra_settings)
    print(f"{'name':32s} {'default':>14} {'units':10s} doc")
    for name, s in table.items():
        print(f"{name:32s} {s.default!r:>14} {s.units:10s} {s.doc}")


def cmd_closures(args, comm):
    from .plugins.registry import available_closures

    closures = available_closures()
    width = max(len(name) for name in closures)
    for name, origin in closures.items():
        print(f"{name:{width}s}  {origin}")
    print("(any .onnx file with the ocean.* metadata is a closure too: -s closures FILE.onnx)")


COMMANDS = {
    "run": cmd_run,
    "train": cmd_train,
    "plot": cmd_plot,
    "settings": cmd_settings,
    "closures": cmd_closures,
}


def main(argv=None) -> int:
    """Run the command line ``argv``; return the exit status (0 ok, 1 blow-up, 2 bad input)."""
    args = build_parser().parse_args(argv)
    from .comm import SerialComm, world_comm

    try:
        comm = world_comm() if args.command == "run" else SerialComm()
    except RuntimeError as err:
        print(f"ocean: error: {err}", file=sys.stderr)
        return 2
    try:
        COMMANDS[args.command](args, comm)
    except ModelError as err:
        return _fail(comm, err, f"stopped: {err}", 1)
    except (SetupError, SettingError, RuntimeError) as err:
        return _fail(comm, err, f"error: {err}", 2)
    except OSError as err:
        return _fail(comm, err, f"error: {err}", 1)
    except KeyboardInterrupt:
        return _fail(comm, None, "interrupted", 130)
    except Exception:
        if comm.size == 1:
            raise
        import traceback  # an unexpected error on some ranks: show it, stop every rank

        traceback.print_exc()
        return _fail(comm, None, "internal error (traceback above)", 1)
    return 0


def _fail(comm, err, text, status):
    """Print the error and return ``status``; under MPI an error that not every rank raised
    aborts the job (the other ranks would wait in their next message for ever)."""
    collective = getattr(err, "collective", False)
    if comm.size == 1:
        print(f"ocean: {text}", file=sys.stderr)
        return status
    if collective:
        if comm.rank == 0:
            print(f"ocean: {text}", file=sys.stderr)
        return status
    print(f"ocean: [rank {comm.rank} of {comm.size}] {text}", file=sys.stderr)
    comm.abort(status)
    return status


def console():
    """Entry point of the ``ocean`` script (``ocean.cli:main`` works too)."""
    sys.exit(main())


if __name__ == "__main__":
    console()

"""The ``ocean`` command: ``ocean run``, ``ocean plot``, ``ocean settings``."""

from __future__ import annotations

import argparse
import sys

from .errors import ModelError, SetupError
from .settings import SETTINGS, SettingError


def build_parser():
    p = argparse.ArgumentParser(prog="ocean", description="ocean-hybrid ocean model")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a setup file")
    run.add_argument("setup", help="setup file defining a Setup subclass")
    run.add_argument("-s", dest="overrides", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="change a setting (repeatable)")  # fmt: skip
    length = run.add_mutually_exclusive_group()
    length.add_argument("--steps", type=int, help="number of time steps")
    length.add_argument("--days", type=float, help="model days to run")
    run.add_argument("--backend", choices=("cpu", "cuda"), default=None)
    run.add_argument("--output-dir", default=".", help="folder for output and restarts")
    run.add_argument("--restart", default=None, help="restart file to start from")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    plot = sub.add_parser("plot", help="quick-look PNG of an output file")
    plot.add_argument("file")
    plot.add_argument("--var", default="temp")
    plot.add_argument("--out", default=None)
    plot.add_argument("--time", type=int, default=-1, help="time index (default last)")
    plot.add_argument("--level", type=int, default=-1, help="level index (default surface)")
    sub.add_parser("settings", help="list every setting with default and units")
    return p


def cmd_run(args):
    from .loader import load_setup
    from .model import Model
    from .runner import run_model, steps_for

    if args.steps is not None and args.steps < 0:
        raise SetupError(f"--steps must be >= 0, got {args.steps}")
    if args.days is not None and args.days < 0:
        raise SetupError(f"--days must be >= 0, got {args.days}")
    setup_class = load_setup(args.setup)
    overrides = dict(args.overrides)
    model = Model(setup_class(), backend=args.backend, settings=overrides)
    steps = steps_for(model, args.steps, args.days)
    out = run_model(model, steps, args.output_dir, restart=args.restart, quiet=args.quiet)
    if not args.quiet:
        print(f"{model.name}: {steps} steps to day {model.state.time / 86400:.2f}; output in {out}")


def cmd_settings(_args):
    for name, s in SETTINGS.items():
        print(f"{name:32s} {s.default!r:>14} {s.units:10s} {s.doc}")


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            cmd_run(args)
        elif args.command == "plot":
            from .plot import quicklook

            print(quicklook(args.file, args.var, args.out, args.time, args.level))
        else:
            cmd_settings(args)
    except (SetupError, SettingError, RuntimeError) as err:
        if isinstance(err, ModelError):
            print(f"ocean: stopped: {err}", file=sys.stderr)
            return 1
        print(f"ocean: error: {err}", file=sys.stderr)
        return 2
    return 0


def console():
    """Entry point of the ``ocean`` script."""
    sys.exit(main())


if __name__ == "__main__":
    console()

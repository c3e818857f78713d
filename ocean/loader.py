"""Load a ``Setup`` subclass from a setup file (``ocean run SETUP.py``)."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

from .errors import SetupError
from .setup import Setup


def load_setup(path) -> type[Setup]:
    """Import ``path`` and return the one ``Setup`` subclass it defines."""
    path = Path(path)
    if not path.is_file():
        raise SetupError(f"setup file {str(path)!r} does not exist")
    if path.suffix != ".py":
        raise SetupError(f"setup file {str(path)!r} must be a Python file (.py)")
    spec = importlib.util.spec_from_file_location(f"ocean_setup_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise SetupError(f"setup file {str(path)!r} failed to import: {err}") from err
    found = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Setup)
        and obj is not Setup
        and obj.__module__ == module.__name__
    ]
    if not found:
        raise SetupError(
            f"setup file {str(path)!r} defines no Setup subclass "
            "(write `class MySetup(ocean.Setup): ...`)"
        )
    if len(found) > 1:
        names = ", ".join(c.__name__ for c in found)
        raise SetupError(f"setup file {str(path)!r} defines several Setup subclasses: {names}")
    return found[0]

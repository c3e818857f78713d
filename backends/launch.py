"""Shared machinery of the backends: generated launcher modules, cached on disk.

Each backend turns a :class:`ocean.kernels.core.Kernel` into a launcher by writing a
small Python module (the launch loop around the kernel body) into the cache folder and
importing it. Generating source, rather than closing over the body, keeps Numba's
on-disk cache valid (the generated file is a real module) and works for numba-cuda,
which cannot call a function passed as an argument. The folder name carries a hash of the
kernel's module, the kernel modules it imports, ``kernels/core.py`` and the backends, so
editing a kernel invalidates the cached machine code of its own module only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
from functools import cache
from pathlib import Path

import numba
import numpy as np

KERNEL_DIR = Path(__file__).resolve().parent.parent / "kernels"


def cache_root() -> Path:
    """Where generated launchers live: ``$OCEAN_CACHE_DIR`` or the user cache folder."""
    env = os.environ.get("OCEAN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))
    return Path(base) / "ocean-hybrid"


KERNEL_IMPORT = re.compile(r"^from \.(\w+) import", re.MULTILINE)


def kernel_sources(module: str) -> list[Path]:
    """The files a kernel module's machine code depends on: the module itself, the kernel
    modules it imports (transitively), ``core.py`` and every backend source."""
    own = getattr(sys.modules.get(module), "__file__", None)
    seen, todo = [], [Path(own) if own else None, KERNEL_DIR / "core.py"]
    while todo:
        path = todo.pop()
        if path is None or path in seen or not path.is_file():
            continue
        seen.append(path)
        if path.parent == KERNEL_DIR:
            imported = KERNEL_IMPORT.findall(path.read_text())
            todo.extend(KERNEL_DIR / f"{name}.py" for name in imported)
    return sorted(seen) + sorted(Path(__file__).resolve().parent.glob("*.py"))


@cache
def source_hash(module: str) -> str:
    """Hash of the sources ``module``'s launchers depend on and of the Numba version."""
    h = hashlib.sha256(numba.__version__.encode())
    for path in kernel_sources(module):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load_generated(backend: str, kernel, source: str, tag: str = ""):
    """Write ``source`` as a module for ``kernel`` (once; ``tag`` tells apart its variants
    with other static values) and import it."""
    stem = kernel.module.rsplit(".", 1)[-1]
    folder = cache_root() / f"launchers-{backend}" / f"{stem}-{source_hash(kernel.module)}"
    folder.mkdir(parents=True, exist_ok=True)
    modname = f"_ocean_{backend}_{kernel.module.replace('.', '_')}_{kernel.name}{tag}"
    path = folder / f"{modname}.py"
    if not path.exists() or path.read_text() != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        os.replace(tmp, path)
    if modname in sys.modules and getattr(sys.modules[modname], "__file__", "") == str(path):
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    spec.loader.exec_module(module)
    return module


def import_line(kernel) -> str:
    return f"from {kernel.module} import {kernel.name} as _kernel_object\n"


#: the level k a sweep launcher visits at its ``step``-th level (``Kernel.sweep``)
LEVEL_OF_STEP = {1: "k0 + step", -1: "k1 - 1 - step"}


class GeneratedLaunchers:
    """Per-backend cache of launchers made from ``CELL_TEMPLATE``, ``COLUMN_TEMPLATE`` or
    ``SWEEP_TEMPLATE``."""

    cell_template: str
    column_template: str
    sweep_template: str

    def cache_tag(self) -> str:
        return self.name

    def launcher(self, kn, variant="launch", static_values=()):
        """The generated function ``variant`` of ``kn``'s launcher module (``launch``; the
        CPU's cell template also has ``launch_from_edge``), with ``kn.static`` arguments
        compiled in as ``static_values``."""
        modules = self.__dict__.setdefault("_launcher_modules", {})
        module = modules.get((kn, static_values))
        if module is None:
            if kn.column:
                template = self.column_template
            elif kn.sweep:
                template = self.sweep_template
            else:
                template = self.cell_template
            constants = dict(zip(kn.static, static_values, strict=True))
            src = template.format(
                import_line=import_line(kn), args=", ".join(kn.arg_names), radius=kn.radius,
                call_args=", ".join(constants.get(n, n) for n in kn.arg_names),
                level_of_step=LEVEL_OF_STEP.get(kn.sweep, ""),
            )  # fmt: skip
            tag = "".join(f"_{n}{v}" for n, v in constants.items())
            module = modules[(kn, static_values)] = load_generated(self.cache_tag(), kn, src, tag)
        return getattr(module, variant)

    def launch_sweeps(self, kn, region, args):
        """Launch the column kernel ``kn``'s sweep form (``Kernel.sweeps``) on its columns
        ``region`` = (j0, j1, i0, i1): each kernel in order over all levels, those of the
        first 3-D array argument."""
        levels = next((a.shape[-3] for a in args if getattr(a, "ndim", 0) == 3), None)
        if levels is None:
            raise TypeError(f"{kn.name}: a sweep form needs a 3-D array argument")
        for form in kn.sweeps:
            self.launch(form, (0, levels, *region), *args)

    @staticmethod
    def static_values(kn, args) -> tuple[str, ...]:
        """The literals of ``kn``'s static arguments in ``args`` (ints or bools only)."""
        values = []
        for name, position in zip(kn.static, kn.static_positions, strict=True):
            value = args[position]
            if isinstance(value, (bool, np.bool_)):
                values.append(repr(bool(value)))
            elif isinstance(value, (int, np.integer)):
                values.append(repr(int(value)))
            else:
                raise TypeError(
                    f"{kn.name}: the static argument {name} must be an int or a bool, got "
                    f"{value!r} ({type(value).__name__})"
                )
        return tuple(values)

    @staticmethod
    def check_arguments(kn, args):
        if len(args) != len(kn.arg_names):
            raise TypeError(f"{kn.name} takes {kn.arg_names}, got {len(args)} arguments")

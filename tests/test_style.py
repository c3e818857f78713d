"""House rules that keep the code base honest (ARCHITECTURE.md, style anchors)."""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    p
    for d in ("kernels", "backends", "ocean", "examples", "plugins")
    for p in (ROOT / d).rglob("*.py")
]

#: a literal halo slice such as ``a[2:-2]`` or ``a[:, 2:-2]``: use grid.interior / grid.box
HALO_SLICE = re.compile(r"[\[,]\s*-?\d+\s*:\s*-\d+")

#: every kernel module, found on disk so that none is forgotten
KERNEL_MODULES = sorted(
    p.stem for p in (ROOT / "kernels").glob("*.py") if p.stem not in ("__init__", "core")
)


def test_halo_slice_pattern():
    for literal in ("a[2:-2]", "a[ -3 : -1]", "a[:, 2:-2]", "a[k,1:-1, 1:-1]"):
        assert HALO_SLICE.search(literal), literal
    for fine in ("a[h:-h]", "a[:, :-1]", "a[2:]", "a[1:n - 1]", "a[-1]", "f(2, -2)"):
        assert not HALO_SLICE.search(fine), fine


def test_no_literal_halo_slices():
    assert len(SOURCES) > 30
    pattern = HALO_SLICE
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in SOURCES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not hits, f"hard-coded halo slices: {hits}"


def test_modules_stay_small():
    long = [
        f"{p.relative_to(ROOT)} ({n})"
        for p in SOURCES
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert not long, f"modules over 400 lines: {long}"


def test_kernel_names_are_unique_and_documented():
    from ocean.kernels.core import KERNELS

    for name in KERNEL_MODULES:
        importlib.import_module(f"ocean.kernels.{name}")
    # kernels defined by tests (with private names) are not part of the library
    library = {key: k for key, k in KERNELS.items() if not k.module.startswith("test")}
    assert len(library) >= 20
    names = [k.name for k in library.values()]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"kernel names used twice: {duplicates}"
    undocumented = [k.name for k in library.values() if not (k.py_func.__doc__ or "").strip()]
    assert not undocumented, f"kernels without a docstring: {undocumented}"


def test_every_setting_has_a_doc_and_units():
    from ocean.loader import load_setup
    from ocean.settings import SETTINGS, Setting

    tables = {"ocean.settings.SETTINGS": SETTINGS}
    for path in sorted((ROOT / "examples").glob("*.py")):
        tables[path.name] = load_setup(path).extra_settings
    assert len(SETTINGS) > 30
    problems = []
    for where, table in tables.items():
        for name, setting in table.items():
            if not isinstance(setting, Setting):
                problems.append(f"{where}:{name} is not a Setting")
                continue
            if not isinstance(setting.doc, str) or not setting.doc.strip():
                problems.append(f"{where}:{name} has no doc")
            if setting.units is None or not isinstance(setting.units, str):
                problems.append(f"{where}:{name} has units {setting.units!r}")
            if setting.check(name, setting.default) != setting.default:
                problems.append(f"{where}:{name} default does not pass its own check")
    assert not problems, problems


def test_default_halo_covers_every_kernel_radius():
    from ocean.kernels.core import KERNELS
    from ocean.settings import SETTINGS

    for name in KERNEL_MODULES:
        importlib.import_module(f"ocean.kernels.{name}")
    widest = max(KERNELS.values(), key=lambda k: k.radius)
    assert SETTINGS["halo"].default >= widest.radius, widest.name
    assert SETTINGS["halo"].low >= widest.radius, widest.name


def test_test_file_names_are_unique():
    """The test folders are not packages: pytest imports each test file by its base name,
    so two files of one name in different folders stop the collection of the second."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert not repeated, f"test files share a name (rename one): {repeated}"

"""The closure registry: closures by name, from code or from installed packages.

In code: ``@register_closure("zb2020")`` on a ``Closure`` subclass (or a factory taking
the run's settings). From another installed package: an entry point in the group
``ocean.closures`` whose name is the closure's name and whose object is the class::

    [project.entry-points."ocean.closures"]
    my_closure = "my_package.closures:MyClosure"

A setup selects closures with the setting ``closures`` (names or ``.onnx`` paths) or by
passing objects to ``Model(..., closures=[...])``.
"""

from __future__ import annotations

import inspect
from importlib.metadata import entry_points
from pathlib import Path

from ocean.errors import SetupError

from .closure import Closure

ENTRY_POINT_GROUP = "ocean.closures"
BUILTIN_MODULES = (
    "ocean.plugins.zanna_bolton",
    "ocean.plugins.viscosity",
    "ocean.plugins.thickness",
)

_REGISTRY: dict[str, object] = {}
_ORIGIN: dict[str, str] = {}
_loaded = False


def register_closure(name: str):
    """Class decorator: register a ``Closure`` subclass (or factory) under ``name``.

    A class (or factory) with a parameter named ``settings`` is given the run's settings.
    """

    def wrap(obj):
        _add(name, obj, _origin_of(obj))
        if inspect.isclass(obj) and not obj.name:
            obj.name = name
        return obj

    return wrap


def _origin_of(obj) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def _add(name: str, obj, origin: str):
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise SetupError(f"closure name {name!r}: use letters, digits, '_' or '-'")
    if name in _REGISTRY and _ORIGIN[name] != origin:
        raise SetupError(
            f"closure name {name!r} is registered twice: by {_ORIGIN[name]} and by {origin}; "
            "rename one of them"
        )
    _REGISTRY[name] = obj
    _ORIGIN[name] = origin


def _load_all():
    """Import the built-in closures and every ``ocean.closures`` entry point (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib

    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as err:
            raise SetupError(
                f"closure entry point {ep.name!r} ({ep.value}) failed to load: {err}"
            ) from err
        _add(ep.name, obj, f"entry point {ep.value}")


def available_closures() -> dict[str, str]:
    """{name: where it comes from}, built-ins and installed packages included."""
    _load_all()
    return dict(sorted(_ORIGIN.items()))


def make_closure(spec, settings) -> Closure:
    """A closure from a registered name, a ``.onnx`` path, a class or an instance."""
    if isinstance(spec, Closure):
        return spec
    if inspect.isclass(spec) and issubclass(spec, Closure):
        return _construct(spec, settings, spec.__name__)
    if not isinstance(spec, (str, Path)):
        raise SetupError(
            f"closure {spec!r}: give a registered name, a path to a .onnx file, "
            "a Closure subclass or a Closure instance"
        )
    text = str(spec)
    if text.endswith(".onnx"):
        from .onnx_closure import OnnxClosure

        return OnnxClosure(text)
    _load_all()
    if text not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise SetupError(
            f"unknown closure {text!r}; registered closures: {known} "
            "(or give a path ending in .onnx; `ocean closures list` shows them)"
        )
    closure = _construct(_REGISTRY[text], settings, text)
    if not closure.name:
        closure.name = text
    return closure


def _construct(factory, settings, label):
    """``factory(settings)`` if it has a parameter named ``settings``, else ``factory()``."""
    try:
        takes_settings = "settings" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        takes_settings = False
    closure = factory(settings) if takes_settings else factory()
    if not isinstance(closure, Closure):
        raise SetupError(f"closure {label!r} made a {type(closure).__name__}, not a Closure")
    return closure

"""The closure registry: the decorator, entry points of installed packages, name clashes,
selection by name, object or class, and ``ocean closures list``."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ocean.errors import SetupError
from ocean.model import Model
from ocean.plugins import registry
from ocean.plugins.closure import Closure
from ocean.plugins.registry import available_closures, make_closure, register_closure
from ocean.settings import Settings

PACKAGE = "ocean_test_closures"


class ConstantPush(Closure):
    """du/dt = a constant acceleration [m s-2] everywhere wet."""

    inputs, outputs, halo = ("u",), ("u",), 1

    def __init__(self, accel=1e-6):
        self.accel = accel

    def bind(self, model):
        self.du = model.backend.zeros(model.grid.shape3)
        model.backend.fill(self.du, self.accel)

    def __call__(self, view):
        return {"u": self.du}


@pytest.fixture
def clean_registry(monkeypatch):
    """A registry that forgets what a test adds (built-ins loaded first: their modules
    register them once, when imported)."""
    available_closures()
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_ORIGIN", dict(registry._ORIGIN))
    monkeypatch.setattr(registry, "_loaded", False)


@pytest.fixture
def installed_package(tmp_path, monkeypatch, clean_registry):
    """A package installed in a site folder, as pip installs it: its code and a dist-info
    folder whose entry_points.txt declares a closure in the group ``ocean.closures``."""
    site = tmp_path / "site"
    (site / PACKAGE).mkdir(parents=True)
    (site / PACKAGE / "__init__.py").write_text(
        textwrap.dedent("""
        from ocean.plugins.closure import Closure

        class Damping(Closure):
            inputs, outputs, halo = ("v",), ("v",), 0

            def __call__(self, view):
                return {"v": -1e-5 * view["v"]}
    """)
    )
    info = site / f"{PACKAGE}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[ocean.closures]\nthird_party_damping = {PACKAGE}:Damping\n"
    )
    monkeypatch.syspath_prepend(str(site))
    return site


def test_decorator_registers_and_names(clean_registry):
    @register_closure("test_push")
    class Push(ConstantPush):
        pass

    assert Push.name == "test_push"
    assert "test_push" in available_closures()
    closure = make_closure("test_push", Settings())
    assert isinstance(closure, Push) and closure.describe() == "test_push"


def test_factories_receive_the_settings(clean_registry):
    seen = {}

    @register_closure("test_factory")
    def factory(settings):
        seen["A_h"] = settings.A_h
        return ConstantPush()

    make_closure("test_factory", Settings(overrides={"A_h": 123.0}))
    assert seen == {"A_h": 123.0}


def test_name_clash_is_an_error(clean_registry):
    class First(ConstantPush):
        pass

    class Other(ConstantPush):
        pass

    register_closure("test_clash")(First)
    with pytest.raises(SetupError, match="'test_clash' is registered twice: by .*First"):
        register_closure("test_clash")(Other)


def test_entry_point_of_an_installed_package(installed_package):
    closures = available_closures()
    assert closures["third_party_damping"] == f"entry point {PACKAGE}:Damping"
    closure = make_closure("third_party_damping", Settings())
    assert type(closure).__module__ == PACKAGE


def test_entry_point_name_clashing_with_a_builtin(installed_package):
    info = installed_package / f"{PACKAGE}-0.1.dist-info" / "entry_points.txt"
    info.write_text(f"[ocean.closures]\nzb2020 = {PACKAGE}:Damping\n")
    with pytest.raises(SetupError, match="'zb2020' is registered twice"):
        available_closures()


def test_unknown_names_and_bad_objects():
    with pytest.raises(SetupError, match="unknown closure 'zb2021'; registered closures: .*zb2020"):
        make_closure("zb2021", Settings())
    with pytest.raises(SetupError, match="give a registered name, a path to a .onnx file"):
        make_closure(42, Settings())


def test_objects_and_classes_select_closures(example_setup):
    setup_class = example_setup("double_gyre")
    settings = {"resolution_km": 200}
    plain = Model(setup_class(), settings=settings)
    pushed = Model(setup_class(), settings=settings, closures=[ConstantPush(2e-6)])
    by_class = Model(setup_class(), settings=settings, closures=[ConstantPush])
    for model in (plain, pushed, by_class):
        model.run(1)
    # the closure's tendency joins the friction tendency, masked: exactly accel where wet
    g = pushed.grid
    du_mix = pushed.state.get("du_mix") - plain.state.get("du_mix")
    wet = g.maskU[(slice(None), *g.interior)] > 0
    np.testing.assert_allclose(du_mix[wet], 2e-6, rtol=1e-9)
    assert np.abs(du_mix[~wet]).max() == 0.0
    assert np.abs(by_class.state.get("u") - plain.state.get("u")).max() > 0


def test_the_same_closure_twice_is_an_error(example_setup):
    setup_class = example_setup("double_gyre")
    with pytest.raises(SetupError, match="selected twice: ConstantPush"):
        Model(setup_class(), settings={"resolution_km": 200},
              closures=[ConstantPush(), ConstantPush()])  # fmt: skip


def test_closures_list_command(installed_package):
    env = dict(os.environ, PYTHONPATH=str(installed_package))
    done = subprocess.run([sys.executable, "-m", "ocean", "closures", "list"],
                          capture_output=True, text=True, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    for name in ("zb2020", "smagorinsky", "leith", "gm", "third_party_damping"):
        assert name in names, done.stdout

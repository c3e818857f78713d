"""The settings table: validation, coercion of command-line strings, locked overrides."""

import pytest

from ocean.settings import SETTINGS, Setting, SettingError, Settings


def test_unknown_setting_names_nearest():
    s = Settings()
    with pytest.raises(SettingError, match=r"unknown setting 'dt_tracr'.*'dt_tracer'"):
        s.dt_tracr = 10.0


def test_wrong_type_and_range():
    s = Settings()
    with pytest.raises(SettingError, match=r"'nx': expected int"):
        s.nx = "many"
    with pytest.raises(SettingError, match=r"'A_h': -1.0 is below the allowed range"):
        s.A_h = -1.0
    with pytest.raises(
        SettingError, match=r"choose one of \['centred', 'superbee', 'dst3', 'dst3_limited'\]"
    ):
        s.tracer_advection = "upwind"
    with pytest.raises(SettingError, match="not a finite number"):
        s.dt_mom = float("nan")


def test_strings_from_command_line_are_coerced():
    s = Settings(overrides={"nx": "64", "A_h": "1e4", "enable_cyclic_x": "true"})
    assert s.nx == 64 and s.A_h == 1e4 and s.enable_cyclic_x is True


def test_overrides_win_over_set_parameter():
    s = Settings(overrides={"nx": 12})
    s.nx = 30  # what a setup's set_parameter would do
    s.ny = 7
    assert s.nx == 12 and s.ny == 7


def test_setup_settings_extend_the_table():
    extra = {"resolution_km": Setting(100.0, float, "km", "grid spacing", low=1.0)}
    s = Settings(extra=extra, overrides={"resolution_km": "10"})
    assert s.resolution_km == 10.0
    with pytest.raises(SettingError, match="clashes"):
        Settings(extra={"nx": Setting(1, int, "1", "x")})


def test_every_setting_is_documented():
    for name, setting in SETTINGS.items():
        assert setting.doc and setting.units is not None, name
        setting.check(name, setting.default)  # defaults pass their own checks

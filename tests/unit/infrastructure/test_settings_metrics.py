"""The metrics settings: METRICS_ENABLED (on by default), METRICS_PORT, UPDATER_HTTP_*."""

import pytest

from infrastructure.settings import Settings, SettingsError

pytestmark = pytest.mark.unit


def test_by_default_metrics_are_on_on_the_api_ports_and_the_updater_listens_on_50503() -> None:
    settings = Settings.from_env({})
    assert settings.metrics_enabled is True
    assert settings.metrics_port is None
    assert (settings.updater_http_host, settings.updater_http_port) == ("127.0.0.1", 50503)


@pytest.mark.parametrize(
    ("raw", "expected"), [("0", False), ("false", False), ("OFF", False), ("1", True), ("", True)]
)
def test_metrics_enabled_is_a_flag_that_defaults_to_on(raw: str, expected: bool) -> None:
    assert Settings.from_env({"METRICS_ENABLED": raw}).metrics_enabled is expected


def test_the_ports_are_read() -> None:
    env = {"METRICS_PORT": "50599", "UPDATER_HTTP_HOST": "0.0.0.0", "UPDATER_HTTP_PORT": "50600"}
    settings = Settings.from_env(env)
    assert settings.metrics_port == 50599
    assert (settings.updater_http_host, settings.updater_http_port) == ("0.0.0.0", 50600)


@pytest.mark.parametrize(
    ("name", "raw"),
    [("METRICS_ENABLED", "maybe"), ("METRICS_PORT", "0"), ("UPDATER_HTTP_PORT", "70000")],
)
def test_invalid_values_are_refused_by_name(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: raw})

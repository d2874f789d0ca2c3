"""The settings of the local cluster: REUSE_PORT for the APIs, LEASE_TABLE_NAME for updaters."""

import pytest

from infrastructure.settings import Settings, SettingsError

pytestmark = pytest.mark.unit


def test_by_default_a_port_is_not_shared_and_leases_live_in_the_leases_table() -> None:
    settings = Settings.from_env({})
    assert settings.reuse_port is False
    assert settings.lease_table_name == "leases"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False), ("", False)],
)
def test_reuse_port_is_a_flag(raw: str, expected: bool) -> None:
    assert Settings.from_env({"REUSE_PORT": raw}).reuse_port is expected


def test_a_reuse_port_that_is_no_flag_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="REUSE_PORT must be 1 or 0"):
        Settings.from_env({"REUSE_PORT": "maybe"})


def test_the_lease_table_name_is_read() -> None:
    assert Settings.from_env({"LEASE_TABLE_NAME": "my-leases"}).lease_table_name == "my-leases"

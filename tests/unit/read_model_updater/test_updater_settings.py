"""The updater's UPDATER_* variables: defaults, bounds, clear errors."""

import pytest

from apps.read_model_updater.updater_settings import poller_options_from_env
from infrastructure.backoff import Backoff
from infrastructure.settings import SettingsError
from infrastructure.stream_consumer import PollerOptions

pytestmark = pytest.mark.unit


def test_defaults_follow_the_event_source_mapping() -> None:
    options = poller_options_from_env({})
    assert options == PollerOptions()
    assert options.poll_interval_seconds == 0.25
    assert options.active_poll_interval_seconds == 0.025
    assert options.batch_size == 100
    assert options.get_records_limit == 1000
    assert options.max_attempts == 5
    assert options.lease_seconds == 10.0  # the Kinesis Client Library's failover time


def test_every_variable_is_read() -> None:
    options = poller_options_from_env(
        {
            "UPDATER_POLL_INTERVAL_MS": "50",
            "UPDATER_BATCH_SIZE": "10",
            "UPDATER_RETRY_BASE_MS": "20",
            "UPDATER_RETRY_MAX_MS": "300",
            "UPDATER_MAX_ATTEMPTS": "3",
            "UPDATER_DISCOVERY_INTERVAL_MS": "400",
            "UPDATER_LEASE_MS": "3000",
            "UPDATER_GET_RECORDS_LIMIT": "500",
            "UPDATER_ACTIVE_POLL_INTERVAL_MS": "10",
        }
    )
    assert options == PollerOptions(
        0.05,
        10,
        Backoff(0.02, 0.3),
        3,
        0.4,
        3.0,
        get_records_limit=500,
        active_poll_interval_seconds=0.01,
    )


def test_the_active_poll_interval_never_exceeds_the_idle_one() -> None:
    assert (
        poller_options_from_env({"UPDATER_POLL_INTERVAL_MS": "10"}).active_poll_interval_seconds
        == 0.01
    )
    with pytest.raises(
        SettingsError, match="UPDATER_ACTIVE_POLL_INTERVAL_MS must be between 1 and 10"
    ):
        poller_options_from_env(
            {"UPDATER_POLL_INTERVAL_MS": "10", "UPDATER_ACTIVE_POLL_INTERVAL_MS": "11"}
        )


def test_an_active_shard_is_polled_sooner_than_an_idle_one() -> None:
    options = PollerOptions()
    assert options.wait_after(0.0) == 0.025
    assert options.wait_after(1.9) == 0.025
    assert options.wait_after(2.0) == 0.25
    assert options.wait_after(float("inf")) == 0.25


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("UPDATER_POLL_INTERVAL_MS", "251", "between 1 and 250"),
        ("UPDATER_POLL_INTERVAL_MS", "0", "between 1 and 250"),
        ("UPDATER_BATCH_SIZE", "101", "between 1 and 100"),
        ("UPDATER_GET_RECORDS_LIMIT", "1001", "between 1 and 1000"),
        ("UPDATER_GET_RECORDS_LIMIT", "0", "between 1 and 1000"),
        ("UPDATER_ACTIVE_POLL_INTERVAL_MS", "0", "between 1 and 250"),
        ("UPDATER_MAX_ATTEMPTS", "many", "a whole number"),
        ("UPDATER_LEASE_MS", "299", "between 300 and 3600000"),
    ],
)
def test_out_of_range_values_are_refused(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=f"{name} must be {message}"):
        poller_options_from_env({name: value})


def test_the_retry_cap_cannot_be_below_its_base() -> None:
    with pytest.raises(SettingsError, match="UPDATER_RETRY_MAX_MS must be between 500"):
        poller_options_from_env({"UPDATER_RETRY_BASE_MS": "500", "UPDATER_RETRY_MAX_MS": "100"})


def test_backoff_doubles_up_to_its_cap() -> None:
    backoff = Backoff(0.1, 0.5)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.1, 0.2, 0.4, 0.5, 0.5]
    assert backoff.delay(10_000) == 0.5

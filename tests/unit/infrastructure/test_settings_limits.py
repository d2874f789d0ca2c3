"""The limit variables of the APIs: defaults, parsing, and a clear error for a bad value."""

import pytest

from infrastructure.settings import Settings, SettingsError

pytestmark = pytest.mark.unit


def test_the_defaults() -> None:
    settings = Settings.from_env({})

    assert (
        settings.max_request_body_bytes,
        settings.max_query_depth,
        settings.max_query_complexity,
        settings.request_timeout_seconds,
        settings.max_concurrent_requests,
        settings.keepalive_timeout_seconds,
        settings.rate_limit_per_second,
        settings.rate_limit_burst,
    ) == (1024 * 1024, 20, 1000, 30.0, 1000, 75.0, 0.0, None)


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "MAX_REQUEST_BODY_BYTES": "2048",
            "MAX_QUERY_DEPTH": "100",
            "MAX_QUERY_COMPLEXITY": "5000",
            "REQUEST_TIMEOUT_SECONDS": "2.5",
            "MAX_CONCURRENT_REQUESTS": "64",
            "KEEPALIVE_TIMEOUT_SECONDS": "5",
            "RATE_LIMIT_PER_SECOND": "0.5",
            "RATE_LIMIT_BURST": "10",
        }
    )

    assert (
        settings.max_request_body_bytes,
        settings.max_query_depth,
        settings.max_query_complexity,
        settings.request_timeout_seconds,
        settings.max_concurrent_requests,
        settings.keepalive_timeout_seconds,
        settings.rate_limit_per_second,
        settings.rate_limit_burst,
    ) == (2048, 100, 5000, 2.5, 64, 5.0, 0.5, 10)


def test_empty_values_mean_the_defaults() -> None:
    names = (
        "MAX_QUERY_DEPTH",
        "REQUEST_TIMEOUT_SECONDS",
        "RATE_LIMIT_PER_SECOND",
        "RATE_LIMIT_BURST",
    )

    assert Settings.from_env(dict.fromkeys(names, "")) == Settings.from_env({})


def test_the_burst_defaults_to_the_rate_rounded_up() -> None:
    assert Settings.from_env({"RATE_LIMIT_PER_SECOND": "2.5"}).effective_rate_limit_burst == 3
    assert Settings.from_env({"RATE_LIMIT_PER_SECOND": "0.1"}).effective_rate_limit_burst == 1
    settings = Settings.from_env({"RATE_LIMIT_PER_SECOND": "2.5", "RATE_LIMIT_BURST": "1"})
    assert settings.effective_rate_limit_burst == 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAX_REQUEST_BODY_BYTES", "1MiB", "MAX_REQUEST_BODY_BYTES must be a whole number"),
        ("MAX_REQUEST_BODY_BYTES", "0", "MAX_REQUEST_BODY_BYTES must be at least 1"),
        ("MAX_QUERY_DEPTH", "101", "MAX_QUERY_DEPTH must be between 1 and 100, not 101"),
        ("MAX_QUERY_COMPLEXITY", "-5", "MAX_QUERY_COMPLEXITY must be at least 1"),
        ("REQUEST_TIMEOUT_SECONDS", "0", "REQUEST_TIMEOUT_SECONDS must be more than 0 seconds"),
        ("REQUEST_TIMEOUT_SECONDS", "soon", "REQUEST_TIMEOUT_SECONDS must be a number"),
        ("REQUEST_TIMEOUT_SECONDS", "nan", "REQUEST_TIMEOUT_SECONDS must be between"),
        ("KEEPALIVE_TIMEOUT_SECONDS", "-1", "KEEPALIVE_TIMEOUT_SECONDS must be between"),
        ("MAX_CONCURRENT_REQUESTS", "0", "MAX_CONCURRENT_REQUESTS must be at least 1"),
        ("RATE_LIMIT_PER_SECOND", "-1", "RATE_LIMIT_PER_SECOND must be between 0 and"),
        ("RATE_LIMIT_PER_SECOND", "inf", "RATE_LIMIT_PER_SECOND must be between 0 and"),
        ("RATE_LIMIT_BURST", "0", "RATE_LIMIT_BURST must be at least 1"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        Settings.from_env({name: value})

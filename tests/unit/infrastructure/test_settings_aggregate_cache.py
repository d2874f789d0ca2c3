"""AGGREGATE_CACHE_SIZE: how many aggregate states a Command API process keeps; 0 turns it off."""

import pytest

from infrastructure.settings import Settings, SettingsError

pytestmark = pytest.mark.unit


def test_by_default_ten_thousand_states_are_kept() -> None:
    assert Settings.from_env({}).aggregate_cache_size == 10_000


@pytest.mark.parametrize(
    ("raw", "expected"), [("0", 0), ("1", 1), ("250000", 250_000), ("", 10_000)]
)
def test_the_cache_size_is_read(raw: str, expected: int) -> None:
    assert Settings.from_env({"AGGREGATE_CACHE_SIZE": raw}).aggregate_cache_size == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "AGGREGATE_CACHE_SIZE must be between 0 and 10000000, not -1"),
        ("20000000", "AGGREGATE_CACHE_SIZE must be between 0 and 10000000, not 20000000"),
        ("many", "AGGREGATE_CACHE_SIZE must be a whole number, not 'many'"),
    ],
)
def test_a_cache_size_out_of_range_is_refused_by_name(raw: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"AGGREGATE_CACHE_SIZE": raw})

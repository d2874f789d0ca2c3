"""The Query API's DateTime scalar: ISO-8601 in UTC, always microseconds and a `Z`."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from infrastructure.graphql_engine import UNDEFINED_VALUE, StringValueNode
from interface_adapter.graphql.query.scalars import (
    DateTimeScalar,
    format_datetime,
    parse_datetime,
)

pytestmark = pytest.mark.unit

TOKYO = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC), "2026-11-26T03:04:05.123456Z"),
        (datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC), "2026-11-26T03:04:05.000000Z"),
        (datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO), "2026-11-26T03:00:00.000000Z"),
    ],
)
def test_output_is_utc_with_microseconds_and_z(value: datetime, text: str) -> None:
    assert format_datetime(value) == text
    assert DateTimeScalar().coerce_output(value) == text


def test_a_naive_time_is_refused_rather_than_printed_wrong() -> None:
    with pytest.raises(TypeError, match="naive"):
        format_datetime(datetime(2026, 11, 26, 3, 4, 5))


@pytest.mark.parametrize(
    "text", ["2026-11-26T03:04:05.123456Z", "2026-11-26T12:04:05.123456+09:00"]
)
def test_input_with_an_offset_is_an_aware_time_in_utc(text: str) -> None:
    parsed = parse_datetime(text)

    assert parsed == datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
    assert parsed.tzinfo is UTC
    assert DateTimeScalar().coerce_input(text) == parsed


def test_input_without_an_offset_or_not_a_string_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        parse_datetime("2026-11-26T03:04:05")
    with pytest.raises(TypeError, match="non-string"):
        DateTimeScalar().coerce_input(1_700_000_000)


def test_a_literal_is_parsed_or_undefined() -> None:
    scalar = DateTimeScalar()

    node = StringValueNode(value="2026-11-26T03:04:05Z", location=None)
    assert scalar.parse_literal(node) == datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
    assert scalar.parse_literal(StringValueNode(value="soon", location=None)) is UNDEFINED_VALUE
    assert scalar.parse_literal(object()) is UNDEFINED_VALUE

"""The Query API's DateTime scalar: ISO-8601 in UTC with 6 fraction digits and a `Z`.

It replaces tartiflette's built-in DateTime (local `isoformat()`, no fraction when zero).
"""

from datetime import UTC, datetime
from typing import Any

from infrastructure.graphql_engine import UNDEFINED_VALUE, Scalar, StringValueNode
from interface_adapter.graphql.query import QUERY_SCHEMA_NAME


def format_datetime(value: datetime) -> str:
    """`2026-11-26T03:04:05.123456Z`: the instant in UTC, always with microseconds."""
    if value.tzinfo is None:
        # A naive time names no instant: refusing it beats printing a wrong one.
        raise TypeError(f"DateTime cannot represent a naive datetime: {value!r}")
    utc = value.astimezone(UTC).replace(tzinfo=None)
    return f"{utc.isoformat(timespec='microseconds')}Z"


def parse_datetime(text: str) -> datetime:
    """An ISO-8601 time with an offset (`Z` included), as an aware datetime in UTC."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"DateTime needs a time zone offset: {text!r}")
    return parsed.astimezone(UTC)


@Scalar("DateTime", schema_name=QUERY_SCHEMA_NAME)
class DateTimeScalar:
    """The schema only outputs DateTime; input is accepted in the same form, for completeness."""

    def coerce_output(self, value: datetime) -> str:
        return format_datetime(value)

    def coerce_input(self, value: Any) -> datetime:
        if not isinstance(value, str):
            raise TypeError(f"DateTime cannot represent a non-string value: {value!r}")
        return parse_datetime(value)

    def parse_literal(self, ast: Any) -> Any:
        if not isinstance(ast, StringValueNode):
            return UNDEFINED_VALUE
        try:
            return parse_datetime(ast.value)
        except ValueError:
            return UNDEFINED_VALUE

"""The engine's own `extensions.code` values (SPEC §5) and the shape of one GraphQL error."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

GraphQLErrorDict = dict[str, Any]


class EngineErrorCode(StrEnum):
    """What the engine answers by itself; the API adds its own codes through CodedError."""

    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    INTERNAL_ERROR = "INTERNAL_ERROR"


def graphql_error(
    message: str,
    code: str,
    extensions: Mapping[str, Any] | None = None,
    *,
    path: list[str | int] | None = None,
    locations: list[dict[str, int]] | None = None,
) -> GraphQLErrorDict:
    """One entry of a response's `errors`, keys in the order the GraphQL spec lists them."""
    error: GraphQLErrorDict = {"message": message}
    if locations:
        error["locations"] = locations
    if path:
        error["path"] = path
    # A plain str, whatever enum the code came as: the answer is data, not our types.
    error["extensions"] = {"code": str(code), **(extensions or {})}
    return error


def internal_error_message(correlation_id: str) -> str:
    """The only text a client sees for an unexpected failure: generic, with the id to quote.

    infrastructure.http words its own the same way (a test keeps the two equal).
    """
    return f"Internal server error (correlation id: {correlation_id})"

"""The `extensions.code` values of SPEC §5 and the shape of one GraphQL error."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

GraphQLErrorDict = dict[str, Any]


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "VALIDATION_ERROR"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_DELETED = "ALREADY_DELETED"
    SAME_NAME = "SAME_NAME"
    CONCURRENCY_CONFLICT = "CONCURRENCY_CONFLICT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    BAD_REQUEST = "BAD_REQUEST"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    # Beyond SPEC §5: refusals by the limits of a public service (http_guards).
    RATE_LIMITED = "RATE_LIMITED"
    SERVER_BUSY = "SERVER_BUSY"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"


def graphql_error(
    message: str,
    code: ErrorCode,
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
    error["extensions"] = {"code": code.value, **(extensions or {})}
    return error


def internal_error_message(correlation_id: str) -> str:
    """The only text a client sees for an unexpected failure: generic, with the id to quote."""
    return f"Internal server error (correlation id: {correlation_id})"

"""The `extensions.code` values the HTTP layer answers by itself (refusals before any handler)."""

from enum import StrEnum


class HttpErrorCode(StrEnum):
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    # Beyond SPEC §5: refusals by the limits of a public service (guards).
    RATE_LIMITED = "RATE_LIMITED"
    SERVER_BUSY = "SERVER_BUSY"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    # Beyond SPEC §5 too (SPEC §8.4): the body did not arrive within its time (HTTP 408).
    BODY_TIMEOUT = "BODY_TIMEOUT"


def internal_error_message(correlation_id: str) -> str:
    """The only text a client sees for an unexpected failure: generic, with the id to quote."""
    return f"Internal server error (correlation id: {correlation_id})"

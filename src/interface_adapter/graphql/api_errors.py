"""The API's own `extensions.code` values (SPEC §5) and the VALIDATION_ERROR every API answers."""

from collections.abc import Sequence
from enum import StrEnum

from infrastructure.graphql_engine import CodedError


class ApiErrorCode(StrEnum):
    """Why a use case refused; the engine and the HTTP layer have codes of their own."""

    VALIDATION_ERROR = "VALIDATION_ERROR"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_DELETED = "ALREADY_DELETED"
    SAME_NAME = "SAME_NAME"
    CONCURRENCY_CONFLICT = "CONCURRENCY_CONFLICT"
    FORBIDDEN = "FORBIDDEN"


def validation_error(messages: Sequence[str]) -> CodedError:
    """VALIDATION_ERROR: `extensions.errors` lists every message, `message` joins them."""
    return CodedError(
        ", ".join(messages), ApiErrorCode.VALIDATION_ERROR, {"errors": list(messages)}
    )

"""Why a command was refused → the GraphQL error the client sees (codes of SPEC §5)."""

from domain.user_account import (
    AlreadyCreated,
    AlreadyDeleted,
    NotFound,
    SameName,
    ValidationFailed,
)
from infrastructure.graphql_engine import CodedError, EngineErrorCode
from interface_adapter.graphql.api_errors import ApiErrorCode, validation_error
from use_case.user_account.outcome import CommandRejected, ConcurrencyConflict

NOT_FOUND_MESSAGE = "User account not found"
ALREADY_DELETED_MESSAGE = "User account is already deleted"
SAME_NAME_MESSAGE = "The new name is the same as the current name"
CONCURRENCY_CONFLICT_MESSAGE = "User account was changed concurrently; please retry"


def rejection_error(rejection: CommandRejected) -> Exception:
    """The exception a resolver raises for `rejection`.

    AlreadyCreated only follows a bug (ids are fresh ULIDs): it is not a CodedError,
    so the client gets an INTERNAL_ERROR and the log the details.
    """
    match rejection:
        case ValidationFailed(messages=messages):
            return validation_error(messages)
        case NotFound():
            return CodedError(NOT_FOUND_MESSAGE, ApiErrorCode.NOT_FOUND)
        case AlreadyDeleted():
            return CodedError(ALREADY_DELETED_MESSAGE, ApiErrorCode.ALREADY_DELETED)
        case SameName():
            return CodedError(SAME_NAME_MESSAGE, ApiErrorCode.SAME_NAME)
        case ConcurrencyConflict():
            return CodedError(CONCURRENCY_CONFLICT_MESSAGE, ApiErrorCode.CONCURRENCY_CONFLICT)
        case AlreadyCreated():
            return RuntimeError("create command met an aggregate that already has events")


def rejection_code(rejection: CommandRejected) -> str:
    """The `extensions.code` the client sees for `rejection` (INTERNAL_ERROR for a bug's)."""
    error = rejection_error(rejection)
    return str(error.code) if isinstance(error, CodedError) else EngineErrorCode.INTERNAL_ERROR

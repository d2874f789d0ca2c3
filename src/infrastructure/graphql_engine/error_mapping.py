"""Errors met while executing an operation → GraphQL errors with a code; nothing else leaks."""

import logging
from typing import Any

from tartiflette.types.exceptions.tartiflette import CoercionError, TartifletteError

from infrastructure.graphql_engine.coded_error import CodedError
from infrastructure.graphql_engine.error_codes import (
    EngineErrorCode,
    GraphQLErrorDict,
    graphql_error,
    internal_error_message,
)
from infrastructure.logging import correlation_id

_logger = logging.getLogger(__name__)


def request_error(exception: Exception, code: EngineErrorCode) -> GraphQLErrorDict:
    """An error about the request itself (validation, operation, variables).

    tartiflette's own errors describe the document and the variables only, so their message
    goes to the client; any other exception is unexpected and handled as an internal error.
    """
    if not isinstance(exception, TartifletteError):
        return _internal_error(exception, path=None, locations=None)
    coerced = exception.coerce_value()
    return graphql_error(str(coerced["message"]), code, locations=coerced.get("locations"))


async def execution_error_coercer(exception: Exception, error: dict[str, Any]) -> GraphQLErrorDict:
    """Classify one error raised while resolving fields (tartiflette's error coercer signature).

    A resolver's CodedError is told as it is; an input coercion error is a validation
    failure; anything else is a bug or an infrastructure failure, logged with its stack trace
    and answered with a generic INTERNAL_ERROR that carries the correlation id.
    """
    path = error.get("path")
    locations = error.get("locations")
    coded = _coded_cause(exception)
    if coded is not None:
        return coded_error(coded, path=path, locations=locations)
    if isinstance(exception, CoercionError):
        return graphql_error(
            str(error.get("message")),
            EngineErrorCode.GRAPHQL_VALIDATION_FAILED,
            path=path,
            locations=locations,
        )
    return _internal_error(exception, path=path, locations=locations)


def _internal_error(
    exception: Exception, path: list[str | int] | None, locations: list[dict[str, int]] | None
) -> GraphQLErrorDict:
    cid = correlation_id.get() or "unknown"
    cause = getattr(exception, "original_error", None) or exception
    _logger.error(
        "unexpected error while executing a GraphQL request",
        exc_info=cause,
        extra={"graphql_path": path},
    )
    return graphql_error(
        internal_error_message(cid),
        EngineErrorCode.INTERNAL_ERROR,
        {"correlationId": cid},
        path=path,
        locations=locations,
    )


def coded_error(
    coded: CodedError, path: list[str | int] | None, locations: list[dict[str, int]] | None
) -> GraphQLErrorDict:
    """The error entry of a resolver's refusal, raised at `path` from the field at `locations`."""
    extensions = dict(coded.extensions)
    code = extensions.pop("code")
    return graphql_error(coded.message, code, extensions, path=path, locations=locations)


async def coerce_execution_error(exception: Exception) -> GraphQLErrorDict:
    return await execution_error_coercer(exception, _coerce(exception))


def _coded_cause(exception: Exception) -> CodedError | None:
    if isinstance(exception, CodedError):
        return exception
    original = getattr(exception, "original_error", None)
    return original if isinstance(original, CodedError) else None


def _coerce(exception: Exception) -> dict[str, Any]:
    coerce_value = getattr(exception, "coerce_value", None)
    if callable(coerce_value):
        coerced = coerce_value()
        if isinstance(coerced, dict):
            return coerced
    return {"message": str(exception)}

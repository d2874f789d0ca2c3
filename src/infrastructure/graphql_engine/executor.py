"""GraphQLExecutor: parse once (cached), check limits, validate, execute, classify errors."""

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tartiflette.execution.execute import execute
from tartiflette.language.ast import DocumentNode, OperationDefinitionNode
from tartiflette.schema.schema import GraphQLSchema
from tartiflette.types.exceptions.tartiflette import GraphQLSyntaxError, TartifletteError

from infrastructure.graphql_engine.document_parser import QueryLimitError, parse_document
from infrastructure.graphql_engine.error_codes import (
    EngineErrorCode,
    GraphQLErrorDict,
    graphql_error,
)
from infrastructure.graphql_engine.error_mapping import coerce_execution_error, request_error
from infrastructure.graphql_engine.limits import QueryLimits
from infrastructure.graphql_engine.prepared_operation import PreparedOperation, prepare_operation
from infrastructure.graphql_engine.request import GraphQLRequest, GraphQLResponse
from infrastructure.graphql_engine.resolver_replay import RecordedOutcome, replaying
from infrastructure.graphql_engine.source_guard import SourceLimits, check_source

# Parsed documents are cached by query text, like tartiflette's own cache, but only for
# queries of a usual size, so that large distinct queries cannot fill the memory.
_CACHE_SIZE = 512
_MAX_CACHED_QUERY_LENGTH = 8 * 1024
_NO_DATA = object()
_PARSER_POSITION = re.compile(r"(?P<line>\d+)\.(?P<column>\d+)")

_logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Accepted:
    document: DocumentNode
    # Compiled on first use, per operation name the document defines (so that unknown names,
    # which any client may send, are not kept).
    operations: dict[str | None, PreparedOperation | None] = field(default_factory=dict)
    operation_names: frozenset[str | None] = frozenset()


@dataclass(frozen=True, slots=True)
class _Rejected:
    errors: tuple[GraphQLErrorDict, ...]


class GraphQLExecutor:
    """Executes GraphQL requests against one baked tartiflette schema.

    The phases are run here rather than through `Engine.execute` so that every error is classified
    by the phase that produced it, not by its text (which code each phase answers: README.md, What a
    request goes through); errors raised while resolving go through `execution_error_coercer`.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        query_limits: QueryLimits | None = None,
        source_limits: SourceLimits | None = None,
        *,
        prepared_operations: bool = True,
    ) -> None:
        """`prepared_operations`: run operations of the usual shape as PreparedOperation
        (same answers, a fraction of the CPU); off, tartiflette executes every request."""
        self._schema = schema
        self._query_limits = query_limits or QueryLimits()
        self._source_limits = source_limits or SourceLimits()
        self._prepared_operations = prepared_operations
        self._prepare_cached = lru_cache(maxsize=_CACHE_SIZE)(self._prepare)

    async def execute(self, request: GraphQLRequest, context: Any = None) -> GraphQLResponse:
        """The GraphQL response to `request`; errors before execution come without `data`."""
        prepared = (
            self._prepare_cached(request.query)
            if len(request.query) <= _MAX_CACHED_QUERY_LENGTH
            else self._prepare(request.query)
        )
        if isinstance(prepared, _Rejected):
            return {"errors": list(prepared.errors)}
        operation = self._operation(prepared, request.operation_name)
        if operation is None:
            return await self._execute(prepared.document, request, context)
        outcome = await operation.run(request.variables, context)
        if outcome is None:
            return await self._execute(prepared.document, request, context)
        if not isinstance(outcome, RecordedOutcome):
            return outcome
        with replaying(outcome):
            response = await self._execute(prepared.document, request, context)
        if not outcome.replayed:  # a bug: the prepared operation and tartiflette disagree
            _logger.error(
                "a prepared operation ran its resolver but tartiflette did not",
                extra={"operation_name": request.operation_name},
            )
        return response

    def _operation(
        self, prepared: "_Accepted", operation_name: str | None
    ) -> PreparedOperation | None:
        if not self._prepared_operations or operation_name not in prepared.operation_names:
            return None
        try:
            return prepared.operations[operation_name]
        except KeyError:
            operation = prepare_operation(self._schema, prepared.document, operation_name)
            prepared.operations[operation_name] = operation
            return operation

    async def _execute(
        self, document: DocumentNode, request: GraphQLRequest, context: Any
    ) -> GraphQLResponse:
        response: GraphQLResponse = await execute(
            self._schema,
            document,
            _build_response,
            None,
            context,
            request.variables,
            request.operation_name,
        )
        return response

    def _prepare(self, query: str) -> _Accepted | _Rejected:
        violation = check_source(query, self._source_limits)
        if violation is not None:
            return _Rejected((graphql_error(violation.message, violation.code),))
        try:
            document = parse_document(query, self._schema, self._query_limits)
        except GraphQLSyntaxError as error:
            return _Rejected((_syntax_error(error),))
        except QueryLimitError as error:
            return _Rejected((graphql_error(error.violation.message, error.violation.code),))
        invalid = document.validators.errors if document.validators is not None else []
        unexpected = next((e for e in invalid if not isinstance(e, TartifletteError)), None)
        if unexpected is not None:
            # Not a verdict on the document but a failure: raised, so never cached.
            raise unexpected
        if invalid:
            return _Rejected(
                tuple(
                    request_error(error, EngineErrorCode.GRAPHQL_VALIDATION_FAILED)
                    for error in invalid
                )
            )
        return _Accepted(document, operation_names=_operation_names(document))


def _operation_names(document: DocumentNode) -> frozenset[str | None]:
    """The names a request may give to select an operation of `document` (None: no name,
    when it holds one operation)."""
    names: set[str | None] = {
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    }
    if sum(isinstance(d, OperationDefinitionNode) for d in document.definitions) == 1:
        names.add(None)
    return frozenset(names)


def _syntax_error(error: GraphQLSyntaxError) -> GraphQLErrorDict:
    # libgraphqlparser reports "<line>.<column>[-<column>]: <what>", for example
    # "1.21: syntax error, unexpected EOF"; the position becomes the error's location.
    message = str(error.message)
    position = _PARSER_POSITION.match(message)
    locations = (
        [{"line": int(position["line"]), "column": int(position["column"])}] if position else None
    )
    return graphql_error(
        f"Syntax Error: {message}", EngineErrorCode.GRAPHQL_PARSE_FAILED, locations=locations
    )


async def _build_response(data: Any = _NO_DATA, errors: list[Exception] | None = None) -> Any:
    """tartiflette's response builder hook: called without `data` when execution never began
    (unknown or ambiguous operation, variables that do not coerce), with it afterwards."""
    if data is _NO_DATA:
        return {
            "errors": [
                request_error(error, EngineErrorCode.GRAPHQL_VALIDATION_FAILED)
                for error in errors or ()
            ]
        }
    response: GraphQLResponse = {"data": data}
    if errors:
        response["errors"] = [await coerce_execution_error(error) for error in errors]
    return response

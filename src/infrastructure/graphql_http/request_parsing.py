"""Turn a POST body into a GraphQL request ({query, variables?, operationName?}) or a 400."""

import json
import re
from typing import Any

import orjson

from infrastructure.graphql_engine import GraphQLRequest

BAD_REQUEST = "BAD_REQUEST"

# Far more than a request needs ({"variables": {"input": {...}}} is 3), far less than would
# exhaust the stack of the JSON decoder or of the code that reads the values.
MAX_JSON_NESTING = 64


class BadRequestError(ValueError):
    """The body is not a GraphQL request; answered with HTTP 400 BAD_REQUEST."""


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; the standard library accepts them unless told otherwise.
    raise ValueError(f"{name} is not valid JSON")


def parse_graphql_request(body: bytes) -> GraphQLRequest:
    """Decode a UTF-8 JSON object body; `null` variables or operationName mean absent."""
    payload = _decode_fast(body)
    if payload is _UNDECIDED:
        payload = _decode_standard(body)
    # Fewer brackets than the limit cannot nest deeper than it: the usual body is not walked.
    if body.count(b"{") + body.count(b"[") > MAX_JSON_NESTING and _nests_deeper_than(
        payload, MAX_JSON_NESTING
    ):
        raise BadRequestError(_TOO_DEEP)
    if isinstance(payload, list):
        raise BadRequestError("Batched requests (a JSON array) are not supported")
    if not isinstance(payload, dict):
        raise BadRequestError("Request body must be a JSON object")
    return GraphQLRequest(
        query=_query(payload),
        variables=_variables(payload),
        operation_name=_operation_name(payload),
    )


_UNDECIDED = object()
# A digit, then a fraction, an exponent or 18 more digits (factored: faster than the alternation,
# docs/performance.md).
_FLOAT_HINT = re.compile(rb"[0-9](?:[.eE]|[0-9]{18})")


def _decode_fast(body: bytes) -> Any:
    """The body decoded by orjson (faster: docs/performance.md), or `_UNDECIDED` when the standard
    library must decide: orjson refuses what the standard library accepts (escaped lone
    surrogates, integers beyond 64 bits, very deep nesting) or reads it differently (those
    integers become floats; a float anywhere sends the body the standard way)."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _UNDECIDED
    # orjson makes a float of a number with a fraction or an exponent (each right after a digit)
    # and of an integer beyond 64 bits (19 digits or more): a body with neither holds no float
    # and is not walked.
    if _FLOAT_HINT.search(body) is not None and _holds_float(payload):
        return _UNDECIDED
    return payload


def _holds_float(value: Any) -> bool:
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
        elif isinstance(current, float):
            return True
    return False


def _decode_standard(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("Request body must be valid UTF-8") from None
    try:
        # The standard library, unlike orjson, keeps escaped lone surrogates ("\ud800"): they
        # must reach the domain, which rejects them with a field message (SPEC §2).
        payload = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        raise BadRequestError("Request body must be valid JSON") from None
    except RecursionError:
        raise BadRequestError(_TOO_DEEP) from None
    return payload


_TOO_DEEP = f"Request body nests more than {MAX_JSON_NESTING} levels of arrays and objects"


def _nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest in `value` more than `limit` levels (without recursion)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        children = (
            current.values()
            if isinstance(current, dict)
            else current
            if isinstance(current, list)
            else None
        )
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def _query(payload: dict[str, Any]) -> str:
    query = payload.get("query")
    if query is None:
        raise BadRequestError('Request body must contain a "query"')
    if not isinstance(query, str):
        raise BadRequestError('"query" must be a string')
    if not query.strip():
        raise BadRequestError('"query" must not be empty')
    return query


def _variables(payload: dict[str, Any]) -> dict[str, Any]:
    variables = payload.get("variables")
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise BadRequestError('"variables" must be an object')
    return variables


def _operation_name(payload: dict[str, Any]) -> str | None:
    operation_name = payload.get("operationName")
    if operation_name is None or isinstance(operation_name, str):
        return operation_name
    raise BadRequestError('"operationName" must be a string')

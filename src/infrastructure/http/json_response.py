"""JSON responses: orjson for speed, the standard library for what orjson refuses."""

import json
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

from interface_adapter.graphql.error_codes import ErrorCode, graphql_error


def dumps(payload: Any) -> bytes:
    try:
        return orjson.dumps(payload)
    except TypeError:
        # orjson rejects strings holding lone surrogates, which an error message may quote
        # from the request; ASCII escapes carry them without breaking the response.
        return json.dumps(payload, ensure_ascii=True).encode("ascii")


def json_response(payload: Any, status: int = 200) -> web.Response:
    return web.Response(body=dumps(payload), status=status, content_type="application/json")


def error_response(
    code: ErrorCode,
    message: str,
    status: int,
    extensions: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """A response holding one GraphQL-shaped error and no `data` (nothing was executed)."""
    response = json_response({"errors": [graphql_error(message, code, extensions)]}, status=status)
    response.headers.update(headers or {})
    return response

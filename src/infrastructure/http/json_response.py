"""JSON responses: orjson for speed, the standard library for what orjson refuses; and the
services' error shape, `{"errors": [{"message", "extensions": {"code", ...}}]}`."""

import json
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

ERROR_CODE = web.ResponseKey("error_code", str)
"""The error code an answer carries (`extensions.code`), for the metrics: set by whoever makes
the answer, so that no one parses a body again."""


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
    code: str,
    message: str,
    status: int,
    extensions: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """A response holding one error (message, `extensions.code` and the rest of `extensions`)
    and nothing else: the request was refused before anything ran."""
    error = {"message": message, "extensions": {"code": str(code), **(extensions or {})}}
    response = json_response({"errors": [error]}, status=status)
    response[ERROR_CODE] = str(code)
    response.headers.update(headers or {})
    return response

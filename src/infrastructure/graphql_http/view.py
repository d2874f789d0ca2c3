"""POST /api/graphql: read the body within its limit, parse the request, run it."""

from aiohttp import web

from interface_adapter.graphql.app_keys import CONTEXT_FACTORY, EXECUTOR, MAX_BODY_BYTES
from interface_adapter.graphql.error_codes import ErrorCode
from interface_adapter.graphql.json_response import error_response, json_response
from interface_adapter.graphql.request_parsing import BadRequestError, parse_graphql_request


async def handle_graphql_post(request: web.Request) -> web.Response:
    if request.content_type != "application/json":
        # Form and text bodies are refused: a browser may send them cross-site without asking.
        return error_response(
            ErrorCode.BAD_REQUEST, "Content-Type must be application/json", status=400
        )
    # A body of exactly the limit is accepted; one byte more is PAYLOAD_TOO_LARGE (HTTP 413).
    limit = request.app[MAX_BODY_BYTES]
    if request.content_length is not None and request.content_length > limit:
        return _too_large(limit)
    try:
        # aiohttp stops reading past client_max_size, chunked bodies included.
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _too_large(limit)
    if len(body) > limit:
        return _too_large(limit)
    try:
        graphql_request = parse_graphql_request(body)
    except BadRequestError as error:
        return error_response(ErrorCode.BAD_REQUEST, str(error), status=400)
    context = request.app[CONTEXT_FACTORY](request)
    result = await request.app[EXECUTOR].execute(graphql_request, context)
    return json_response(result)


def _too_large(limit: int) -> web.Response:
    return error_response(
        ErrorCode.PAYLOAD_TOO_LARGE,
        f"Request body exceeds the limit of {limit} bytes{_in_units(limit)}",
        status=413,
    )


def _in_units(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size % factor == 0:
            return f" ({size // factor} {unit})"
    return ""

"""POST /api/graphql: read the body within its limit, parse the request, run it."""

from aiohttp import web

from interface_adapter.graphql.app_keys import CONTEXT_FACTORY, EXECUTOR
from interface_adapter.graphql.error_codes import ErrorCode
from interface_adapter.graphql.json_response import error_response, json_response
from interface_adapter.graphql.request_parsing import BadRequestError, parse_graphql_request

MAX_BODY_BYTES = 1024 * 1024
"""A body of exactly 1 MiB is accepted; one byte more is PAYLOAD_TOO_LARGE (HTTP 413)."""

_TOO_LARGE = f"Request body exceeds the limit of {MAX_BODY_BYTES} bytes (1 MiB)"


async def handle_graphql_post(request: web.Request) -> web.Response:
    if request.content_type != "application/json":
        # Form and text bodies are refused: a browser may send them cross-site without asking.
        return error_response(
            ErrorCode.BAD_REQUEST, "Content-Type must be application/json", status=400
        )
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return error_response(ErrorCode.PAYLOAD_TOO_LARGE, _TOO_LARGE, status=413)
    try:
        # aiohttp stops reading past client_max_size, chunked bodies included.
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return error_response(ErrorCode.PAYLOAD_TOO_LARGE, _TOO_LARGE, status=413)
    if len(body) > MAX_BODY_BYTES:
        return error_response(ErrorCode.PAYLOAD_TOO_LARGE, _TOO_LARGE, status=413)
    try:
        graphql_request = parse_graphql_request(body)
    except BadRequestError as error:
        return error_response(ErrorCode.BAD_REQUEST, str(error), status=400)
    context = request.app[CONTEXT_FACTORY](request)
    result = await request.app[EXECUTOR].execute(graphql_request, context)
    return json_response(result)

"""POST /api/graphql: read the body within its limit, parse the request, run it."""

from aiohttp import web

from infrastructure.graphql_engine import GraphQLResponse
from infrastructure.graphql_http.app_keys import CONTEXT_FACTORY, ENGINE, MAX_BODY_BYTES
from infrastructure.graphql_http.request_parsing import (
    BAD_REQUEST,
    BadRequestError,
    parse_graphql_request,
)
from infrastructure.http.body import read_body
from infrastructure.http.json_response import ERROR_CODE, error_response, json_response


async def handle_graphql_post(request: web.Request) -> web.Response:
    if request.content_type != "application/json":
        # Form and text bodies are refused: a browser may send them cross-site without asking.
        return error_response(BAD_REQUEST, "Content-Type must be application/json", status=400)
    body = await read_body(request, request.app[MAX_BODY_BYTES])
    if isinstance(body, web.Response):
        return body
    try:
        graphql_request = parse_graphql_request(body)
    except BadRequestError as error:
        return error_response(BAD_REQUEST, str(error), status=400)
    context = request.app[CONTEXT_FACTORY](request)
    result = await request.app[ENGINE].execute(graphql_request, context)
    response = json_response(result)
    if "errors" in result:
        code = first_error_code(result)
        if code is not None:
            response[ERROR_CODE] = code
    return response


def first_error_code(result: GraphQLResponse) -> str | None:
    """The `extensions.code` of the response's first error (what its metrics are counted by)."""
    errors = result.get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None
    extensions = errors[0].get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return code if isinstance(code, str) else None

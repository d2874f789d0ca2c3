"""read_body: a request's body within its size limit, or the 413 PAYLOAD_TOO_LARGE answer."""

from aiohttp import web

from infrastructure.http.error_codes import HttpErrorCode
from infrastructure.http.json_response import error_response


async def read_body(request: web.Request, limit: int) -> bytes | web.Response:
    """The body; or, when it is longer than `limit` bytes, the answer to send instead.

    A body of exactly the limit is accepted; one byte more is PAYLOAD_TOO_LARGE (HTTP 413). The
    application's `client_max_size` must be above the limit (see `client_max_size`).
    """
    if request.content_length is not None and request.content_length > limit:
        return _too_large(limit)
    try:
        # aiohttp stops reading past client_max_size, chunked bodies included.
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _too_large(limit)
    if len(body) > limit:
        return _too_large(limit)
    return body


def client_max_size(limit: int) -> int:
    """The `client_max_size` of an application whose handlers read bodies of up to `limit`.

    aiohttp refuses a body only once it holds more than client_max_size (">=" in older
    versions): one byte of slack either way, and `read_body` enforces the exact limit.
    """
    return limit + 1


def _too_large(limit: int) -> web.Response:
    return error_response(
        HttpErrorCode.PAYLOAD_TOO_LARGE,
        f"Request body exceeds the limit of {limit} bytes{_in_units(limit)}",
        status=413,
    )


def _in_units(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size % factor == 0:
            return f" ({size // factor} {unit})"
    return ""

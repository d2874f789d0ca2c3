"""A request's body within its size limit (else 413 PAYLOAD_TOO_LARGE) and its time limit (else
408 BODY_TIMEOUT, and the connection closed)."""

import logging

from aiohttp import web

from infrastructure.http.error_codes import HttpErrorCode
from infrastructure.http.json_response import error_response
from infrastructure.http.request_deadlines import RequestDeadlines

_logger = logging.getLogger(__name__)


class BodyReceiver:
    """Waits for the rest of a body that is still on its way, for at most `timeout_seconds`.

    A client that sends a body slowly holds nothing but its connection meanwhile: the guards take
    a slot of the requests in progress only once the body is in. One timer for all bodies, as for
    the request time limit (request_deadlines.py).
    """

    def __init__(self, max_bytes: int, timeout_seconds: float) -> None:
        self._max_bytes = max_bytes
        self._deadlines = RequestDeadlines(timeout_seconds)

    async def receive(self, request: web.Request) -> web.Response | None:
        """None once the whole body is in (`request.read()` then answers it at once); else
        the answer to send instead: 413 when it is too large, 408 when it came too slowly, 499
        (for the access line) when the client left first."""
        if request.content.is_eof():  # all in already, or no body: no timer to arm
            return None
        try:
            body = await self._deadlines.run(read_body(request, self._max_bytes), self._too_slow)
        except OSError:
            return _client_gone()
        return body if isinstance(body, web.Response) else None

    def _too_slow(self) -> web.Response:
        seconds = self._deadlines.seconds
        _logger.warning("request body timed out", extra={"timeout_seconds": seconds})
        response = error_response(
            HttpErrorCode.BODY_TIMEOUT,
            f"The request body did not arrive within {seconds:g} s; the connection is closed",
            status=408,
        )
        # The rest of the body may still come: the connection cannot carry another request.
        # The middleware sends this answer and closes the connection without reading on.
        response.force_close()
        return response


def _client_gone() -> web.Response:
    """The connection was lost before the body was in: a client that went away (or was cut off)
    is no error of the server's, nor worth its stack trace in the log. No one receives this
    answer; the access line shows it as 499, the code proxies use for a client that left."""
    response = web.Response(status=499)
    response.force_close()
    return response


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

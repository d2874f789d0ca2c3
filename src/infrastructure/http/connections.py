"""What the HTTP layer does to connections below aiohttp's public API, which has no hook for it:
closing a connection right after an answer. tests/e2e/limits/test_aiohttp_connections.py pins the
aiohttp behaviour (constraints.txt) used."""

from aiohttp import web


async def answer_and_close(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """Send `response` now, then close the connection without reading the rest of the body.

    Returned to aiohttp as it is, aiohttp would send it and then read on ("lingering") for up to
    10 s before closing: the time a slow client was just refused. Once the answer is written,
    the transport flushes it and closes (`RequestHandler.force_close`); aiohttp then finds the
    response sent and the connection closed, and stops.
    """
    try:
        await response.prepare(request)
        await response.write_eof()
    except ConnectionError:
        pass  # the client is gone: there was no answer to send
    request.protocol.force_close()

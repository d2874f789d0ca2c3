"""What the HTTP layer does to connections below aiohttp's public API, which has no hook for it: a
cap on the connections per client address, and closing a connection right after an answer.
tests/e2e/limits/test_aiohttp_connections.py pins the aiohttp behaviour (constraints.txt) used."""

import asyncio
import logging
import socket
from typing import Any, cast

from aiohttp import web

_logger = logging.getLogger(__name__)


class PerClientConnections:
    """A protocol factory for `loop.create_server` in front of aiohttp's `web.Server` (itself a
    protocol factory): a connection from an address that already holds `limit` open ones is
    closed as soon as it is made, before aiohttp sees it (nothing is read on it, nothing
    answered). The count of an address falls as its connections close.

    aiohttp's own connection tracking (`web.Server.connection_made`) cannot refuse one, and its
    runner has no place for another `web.Server`: hence a gate, a protocol that hands every
    event of an admitted connection on to aiohttp's handler.
    """

    def __init__(self, server: web.Server, limit: int) -> None:
        if limit < 1:
            raise ValueError("a client needs at least one connection")
        self._server = server
        self.limit = limit
        self._open: dict[str, int] = {}
        # Addresses refused since they were last below the limit: one log line per episode, not
        # one per refused connection (a flood of those would flood the log too).
        self._refusing: set[str] = set()

    def __call__(self) -> asyncio.Protocol:
        return _Gate(self)

    def open_connections(self, address: str) -> int:
        return self._open.get(address, 0)

    def admit(self, address: str) -> web.RequestHandler | None:
        count = self._open.get(address, 0)
        if count >= self.limit:
            if address not in self._refusing:
                self._refusing.add(address)
                # The address is not logged: it identifies a person as much as a name does.
                _logger.warning(
                    "connections refused: a client holds the most it may",
                    extra={"max_connections_per_client": self.limit},
                )
            return None
        self._open[address] = count + 1
        return self._server()

    def release(self, address: str) -> None:
        count = self._open[address] - 1
        if count:
            self._open[address] = count
        else:
            del self._open[address]
        if count < self.limit:
            self._refusing.discard(address)


class _Gate(asyncio.Protocol):
    """One connection: refused, or passed on to aiohttp's handler (one call more per event)."""

    __slots__ = ("_address", "_connections", "_handler")

    def __init__(self, connections: PerClientConnections) -> None:
        self._connections = connections
        self._handler: web.RequestHandler | None = None
        self._address = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._address = peer_address(transport)
        self._handler = self._connections.admit(self._address)
        if self._handler is None:
            # The transport reads nothing more once closed: no event reaches this gate again
            # but connection_lost.
            cast(asyncio.Transport, transport).abort()
            return
        self._handler.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._handler is not None:
            self._connections.release(self._address)
            self._handler.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        assert self._handler is not None
        self._handler.data_received(data)

    def eof_received(self) -> bool | None:
        assert self._handler is not None
        self._handler.eof_received()
        return None  # what aiohttp's handler answers: the transport closes itself

    def pause_writing(self) -> None:
        assert self._handler is not None
        self._handler.pause_writing()

    def resume_writing(self) -> None:
        assert self._handler is not None
        self._handler.resume_writing()


def peer_address(transport: asyncio.BaseTransport) -> str:
    """The client's address without its port (IPv4 or IPv6); "" when it has none."""
    peer: Any = transport.get_extra_info("peername")
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return ""


class PerClientCappedSite(web.BaseSite):
    """aiohttp's `SockSite` (serve on a listening socket) behind `connections`, which the sites
    of one runner share: a client's connections count alike on each of its sockets."""

    def __init__(
        self, runner: web.BaseRunner, sock: socket.socket, connections: PerClientConnections
    ) -> None:
        super().__init__(runner)
        self._sock = sock
        self._connections = connections
        host, port = sock.getsockname()[:2]
        self._name = f"http://{host}:{port}"

    @property
    def name(self) -> str:
        return self._name

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._connections, sock=self._sock, backlog=self._backlog
        )


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

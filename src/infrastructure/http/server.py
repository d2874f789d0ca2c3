"""serve: run aiohttp applications on their ports until SIGTERM or SIGINT, then stop cleanly
(`serving`: the same around the caller's own work)."""

import asyncio
import errno
import gc
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from aiohttp import web

from infrastructure.http.connections import PerClientCappedSite, PerClientConnections

_logger = logging.getLogger(__name__)


class ServerStartError(RuntimeError):
    """A listener could not start; the message names the port and the variable to change."""


@dataclass(frozen=True, slots=True)
class Listener:
    name: str
    app: web.Application
    host: str
    port: int
    # The environment variable that sets `port`, named when the port cannot be used.
    port_variable: str
    # Idle keep-alive connections are closed after this long (aiohttp keeps them an hour).
    keepalive_timeout: float = 75.0
    # SO_REUSEPORT: processes of one user share the port and the kernel spreads connections
    # over them (the local cluster). Answers then carry X-Served-By: <pid>.
    reuse_port: bool = False
    # Open connections per client address (in this process, on all of the listener's sockets);
    # more are closed as soon as they are made.
    max_connections_per_client: int = 256


def bind_sockets(listener: Listener) -> list[socket.socket]:
    """Listening sockets (SO_REUSEADDR) on every address of the listener's host."""
    try:
        addresses = socket.getaddrinfo(
            listener.host, listener.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        raise ServerStartError(f"cannot resolve host {listener.host!r}: {error}") from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(
            (info[0], info[1], info[2], None, info[4]) for info in addresses
        ):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if listener.reuse_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if family == socket.AF_INET6:
                # Like asyncio: an IPv6 socket must not also claim the IPv4 port.
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(128)
            sock.setblocking(False)
    except OSError as error:
        for sock in sockets:
            sock.close()
        raise ServerStartError(_bind_failure(listener, error)) from None
    return sockets


def _bind_failure(listener: Listener, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {listener.port} is already in use; set {listener.port_variable} to use another"
        )
    return (
        f"cannot listen on {listener.host}:{listener.port} ({error.strerror}); "
        f"set {listener.port_variable} to use another port"
    )


async def _add_served_by(request: web.Request, response: web.StreamResponse) -> None:
    # Which of the processes sharing the port answered: for tests and debugging a cluster.
    response.headers["X-Served-By"] = str(os.getpid())


@asynccontextmanager
async def serving(listeners: Sequence[Listener]) -> AsyncIterator[None]:
    """Bind every port first (failing fast with ServerStartError), start the apps; stop them
    on exit."""
    bound: list[tuple[Listener, list[socket.socket]]] = []
    runners: list[web.AppRunner] = []
    try:
        for listener in listeners:
            bound.append((listener, bind_sockets(listener)))
        for listener, sockets in bound:
            runner = web.AppRunner(
                listener.app,
                access_log=None,
                handle_signals=False,
                keepalive_timeout=listener.keepalive_timeout,
            )
            runners.append(runner)
            if listener.reuse_port:
                listener.app.on_response_prepare.append(_add_served_by)
            await runner.setup()
            assert runner.server is not None  # set up
            connections = PerClientConnections(runner.server, listener.max_connections_per_client)
            for sock in sockets:
                await PerClientCappedSite(runner, sock, connections).start()
            _logger.info(
                "listening",
                extra={"service": listener.name, "url": f"http://{listener.host}:{listener.port}"},
            )
        yield
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
        for _, sockets in bound:
            for sock in sockets:
                with suppress(OSError):
                    sock.close()


async def serve(
    listeners: Sequence[Listener], stop: asyncio.Event | None = None, *, freeze_gc: bool = True
) -> None:
    """Bind every port first (failing fast), start the apps, run until `stop` or a signal."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    # From the start, so that a signal during start-up stops the server once it is up.
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with serving(listeners):
            # Start-up garbage (modules, what the apps built while starting) is never freed:
            # keep the collector off it, which takes most of the collection pauses out of the
            # tail latency.
            if freeze_gc:
                gc.collect()
                gc.freeze()
            await stop.wait()
            _logger.info("stopping", extra={"services": [listener.name for listener in listeners]})
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)

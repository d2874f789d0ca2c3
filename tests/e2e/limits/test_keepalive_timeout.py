"""KEEPALIVE_TIMEOUT_SECONDS: an idle keep-alive connection is closed by the server after it."""

import asyncio
from collections.abc import AsyncIterator, Mapping

import pytest

from infrastructure.graphql_http.app import create_graphql_app
from infrastructure.http.health import ReadinessCheck
from infrastructure.http.server import Listener, serve
from interface_adapter.graphql.command import COMMAND_SCHEMA
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

REQUEST = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"


def no_checks() -> Mapping[str, ReadinessCheck]:
    return {}


async def served(keepalive_timeout: float) -> AsyncIterator[int]:
    port = free_port()
    app = create_graphql_app(COMMAND_SCHEMA, readiness_checks=no_checks)
    listener = Listener(
        "test-api", app, "127.0.0.1", port, "TEST_API_PORT", keepalive_timeout=keepalive_timeout
    )
    stop = asyncio.Event()
    server = asyncio.create_task(serve([listener], stop, freeze_gc=False))
    try:
        async with asyncio.timeout(10):
            while True:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                except OSError:
                    await asyncio.sleep(0.05)
        yield port
    finally:
        stop.set()
        await asyncio.wait_for(server, timeout=10)


@pytest.fixture
async def short_keepalive() -> AsyncIterator[int]:
    async for port in served(keepalive_timeout=0.3):
        yield port


@pytest.fixture
async def long_keepalive() -> AsyncIterator[int]:
    async for port in served(keepalive_timeout=30):
        yield port


async def idle_connection(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection that made one request and read its whole answer (keep the writer: the
    connection closes when it is collected)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUEST)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    await reader.readexactly(length)
    return reader, writer


async def test_an_idle_connection_is_closed_after_the_keepalive_timeout(
    short_keepalive: int,
) -> None:
    reader, writer = await idle_connection(short_keepalive)

    async with asyncio.timeout(5):
        assert await reader.read() == b""  # the server closed it
    writer.close()


async def test_an_idle_connection_stays_open_within_the_keepalive_timeout(
    long_keepalive: int,
) -> None:
    reader, writer = await idle_connection(long_keepalive)

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.8):
            await reader.read()
    writer.close()

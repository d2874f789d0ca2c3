"""HTTP/1.1 by hand over asyncio streams, from a chosen loopback address: half-sent bodies, answers
read to the end of the connection, and apps served by `serve` (the per-client cap lives there)."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from infrastructure.http.server import Listener, serve
from tests.support.ports import free_port

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def post_head(path: str, content_length: int, *, expect_continue: bool = False) -> bytes:
    """The request line and headers of a JSON POST (`Expect: 100-continue` if asked)."""
    expect = "Expect: 100-continue\r\n" if expect_continue else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {content_length}\r\n{expect}\r\n"
    ).encode()


def get_request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def graphql_post(query: str) -> bytes:
    body = json.dumps({"query": query}).encode()
    return post_head("/api/graphql", len(body)) + body


async def connect(port: int, source: str = "127.0.0.1") -> Connection:
    """A connection to 127.0.0.1:`port` from the loopback address `source` (127.0.0.0/8)."""
    return await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))


async def half_sent_body(port: int, source: str, declared: int = 100_000) -> Connection:
    """A POST /api/graphql that declares `declared` bytes of body and sends one."""
    connection = await connect(port, source)
    connection[1].write(post_head("/api/graphql", declared) + b"{")
    await connection[1].drain()
    return connection


async def read_answer(reader: asyncio.StreamReader) -> Answer | None:
    """The next answer on the connection; None when it ends first (closed or reset)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        if line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Answer(int(status_line.split()[1]), headers, body)


async def at_end(reader: asyncio.StreamReader) -> bool:
    """True once the server has closed the connection (end of stream or reset)."""
    try:
        return await reader.read(1) == b""
    except ConnectionError:
        return True


@asynccontextmanager
async def listening(app: web.Application, **listener_options: Any) -> AsyncIterator[int]:
    """`app` served by `serve` (as the services run) on a free port of 127.0.0.1: the port."""
    port = free_port()
    listener = Listener("test-api", app, "127.0.0.1", port, "TEST_API_PORT", **listener_options)
    stop = asyncio.Event()
    server = asyncio.create_task(serve([listener], stop, freeze_gc=False))
    try:
        async with asyncio.timeout(10):
            while True:
                try:
                    # From an address of its own: it must not count against any test's client.
                    _, writer = await connect(port, "127.0.0.254")
                    writer.close()
                    break
                except OSError:
                    await asyncio.sleep(0.05)
        yield port
    finally:
        stop.set()
        await asyncio.wait_for(server, timeout=10)

"""What infrastructure/http/connections.py relies on in aiohttp (pinned in constraints.txt): a
new aiohttp that changes any of it fails here, not in production."""

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from infrastructure.http.connections import (
    PerClientCappedSite,
    PerClientConnections,
    answer_and_close,
)
from tests.e2e.limits.raw_http import at_end, connect, get_request, post_head, read_answer

pytestmark = pytest.mark.e2e

WAIT_SECONDS = 10
# Long enough that a connection closed before it cannot have been closed by lingering.
LINGERING_SECONDS = 60.0


@asynccontextmanager
async def site(app: web.Application, limit: int) -> AsyncIterator[tuple[web.AppRunner, int]]:
    runner = web.AppRunner(app, access_log=None, lingering_time=LINGERING_SECONDS)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    try:
        assert runner.server is not None
        await PerClientCappedSite(runner, sock, PerClientConnections(runner.server, limit)).start()
        yield runner, sock.getsockname()[1]
    finally:
        await runner.cleanup()
        sock.close()


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


def hello_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    return app


async def test_aiohttp_tracks_and_serves_the_connections_the_gate_admits() -> None:
    async with site(hello_app(), limit=1) as (runner, port):
        server = runner.server
        assert server is not None
        reader, writer = await connect(port, "127.0.0.2")
        writer.write(get_request("/"))
        admitted = await read_answer(reader)
        tracked = len(server.connections)

        writer.close()
        async with asyncio.timeout(WAIT_SECONDS):
            while True:  # the handler leaves once its connection is lost
                if not server.connections:
                    break
                await asyncio.sleep(0.01)

    assert admitted is not None
    assert admitted.body == b"hello"
    assert tracked == 1


async def test_a_refused_connection_never_reaches_aiohttp() -> None:
    async with site(hello_app(), limit=1) as (runner, port):
        server = runner.server
        assert server is not None
        reader, writer = await connect(port, "127.0.0.2")
        writer.write(get_request("/"))
        await read_answer(reader)
        refused_reader, refused_writer = await connect(port, "127.0.0.2")
        refused_writer.write(get_request("/"))
        async with asyncio.timeout(WAIT_SECONDS):
            assert await at_end(refused_reader)

        assert server.requests_count == 1  # the refused connection's request was never read
        assert len(server.connections) == 1
        writer.close()
        refused_writer.close()


async def test_the_runner_knows_the_site_and_closes_its_connections_at_cleanup() -> None:
    async with site(hello_app(), limit=5) as (runner, port):
        addresses = runner.addresses
        reader, writer = await connect(port)
        writer.write(get_request("/"))
        await read_answer(reader)
        await runner.cleanup()  # the service stops: the kept-alive connection is closed
        async with asyncio.timeout(WAIT_SECONDS):
            closed = await at_end(reader)
        writer.close()
        with pytest.raises(ConnectionRefusedError):
            await connect(port)

    assert addresses == [("127.0.0.1", port)]
    assert closed


async def test_an_answer_sent_by_answer_and_close_arrives_and_then_the_connection_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    read_twice: list[bool] = []

    async def refuse_before_the_body(request: web.Request) -> web.StreamResponse:
        response = web.json_response({"refused": True}, status=408)
        await answer_and_close(request, response)
        return response

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        read_twice.append(await request.read() is body)  # the second read is the kept body
        return web.Response(body=body)

    app = web.Application()
    app.router.add_post("/refuse", refuse_before_the_body)
    app.router.add_post("/echo", echo)
    async with site(app, limit=5) as (_, port):
        reader, writer = await connect(port)
        writer.write(post_head("/refuse", 1000) + b"{")
        refused = await read_answer(reader)
        # aiohttp would read the rest of the body for LINGERING_SECONDS: it does not.
        async with asyncio.timeout(WAIT_SECONDS):
            closed = await at_end(reader)
        writer.close()

        reader, writer = await connect(port)
        writer.write(post_head("/echo", 2) + b"{}")
        echoed = await read_answer(reader)
        writer.close()

    assert refused is not None
    assert (refused.status, refused.json()) == (408, {"refused": True})
    assert closed
    assert echoed is not None
    assert echoed.body == b"{}"
    assert read_twice == [True]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_body_on_its_way_is_not_at_its_end_and_no_body_is() -> None:
    seen: list[bool] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.content.is_eof())
        await request.read()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/", handler)
    async with site(app, limit=5) as (_, port):
        reader, writer = await connect(port)
        writer.write(post_head("/", 2, expect_continue=True) + b"{")
        # aiohttp asks for the body on the way to the handler, which runs in this event loop:
        # the handler has looked by the time the request arrives here.
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"}")
        await read_answer(reader)
        writer.write(get_request("/"))
        await read_answer(reader)
        writer.close()

    assert seen == [False, True]

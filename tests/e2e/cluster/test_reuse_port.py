"""serve() with reuse_port: several listeners share one port, and answers name their process."""

import asyncio
import os
import socket

import aiohttp
import pytest
from aiohttp import web

from infrastructure.http.server import Listener, ServerStartError, bind_sockets, serve
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


def listener(port: int, *, reuse_port: bool) -> Listener:
    app = web.Application()
    app.router.add_get("/", hello)
    return Listener("test-api", app, "127.0.0.1", port, "TEST_API_PORT", reuse_port=reuse_port)


def test_listeners_with_reuse_port_share_a_port_and_others_are_refused() -> None:
    port = free_port()
    first = bind_sockets(listener(port, reuse_port=True))
    try:
        second = bind_sockets(listener(port, reuse_port=True))
        assert [s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for s in second] == [1]
        for sock in second:
            sock.close()
        with pytest.raises(ServerStartError, match=f"port {port} is already in use"):
            bind_sockets(listener(port, reuse_port=False))
    finally:
        for sock in first:
            sock.close()


async def test_answers_carry_the_serving_pid_only_with_reuse_port() -> None:
    for reuse_port in (True, False):
        port = free_port()
        stop = asyncio.Event()
        server = asyncio.create_task(
            serve([listener(port, reuse_port=reuse_port)], stop, freeze_gc=False)
        )
        try:
            headers = await _headers_of(f"http://127.0.0.1:{port}/")
        finally:
            stop.set()
            await asyncio.wait_for(server, timeout=10)
        assert headers.get("X-Served-By") == (str(os.getpid()) if reuse_port else None)


async def _headers_of(url: str) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(url) as response:
                    assert response.status == 200
                    return dict(response.headers)
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    raise AssertionError("the server did not answer")

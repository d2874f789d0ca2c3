"""serve(): binds with SO_REUSEADDR, reports a taken port, runs until told to stop."""

import asyncio
import socket
from collections.abc import Iterator, Mapping

import aiohttp
import pytest

from infrastructure.graphql_http.app import create_graphql_app
from infrastructure.http.health import ReadinessCheck
from infrastructure.http.server import Listener, ServerStartError, bind_sockets, serve
from interface_adapter.graphql.command import COMMAND_SCHEMA
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e


def no_checks() -> Mapping[str, ReadinessCheck]:
    return {}


def listener(port: int) -> Listener:
    app = create_graphql_app(COMMAND_SCHEMA, readiness_checks=no_checks)
    return Listener("test-api", app, "127.0.0.1", port, "TEST_API_PORT")


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_sockets_are_bound_with_so_reuseaddr() -> None:
    sockets = bind_sockets(listener(free_port()))
    try:
        assert [sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) for sock in sockets] == [1]
    finally:
        for sock in sockets:
            sock.close()


def test_a_taken_port_names_the_port_and_its_variable(taken_port: int) -> None:
    with pytest.raises(ServerStartError) as raised:
        bind_sockets(listener(taken_port))

    assert str(raised.value) == (
        f"port {taken_port} is already in use; set TEST_API_PORT to use another"
    )


async def test_serve_answers_until_stopped_then_frees_the_port() -> None:
    port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve([listener(port)], stop, freeze_gc=False))
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(f"http://127.0.0.1:{port}/api/health") as response:
                    assert response.status == 200
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        else:
            pytest.fail("the server did not answer")

    stop.set()
    await asyncio.wait_for(server, timeout=10)

    sockets = bind_sockets(listener(port))
    for sock in sockets:
        sock.close()

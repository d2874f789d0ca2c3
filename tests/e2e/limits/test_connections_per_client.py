"""MAX_CONNECTIONS_PER_CLIENT: a client address holds at most so many open connections; one more
is closed at once, unanswered, while other addresses are served; a closed one frees its place."""

import asyncio

import pytest

from infrastructure.settings import Settings
from tests.e2e.limits.raw_http import (
    Connection,
    at_end,
    connect,
    get_request,
    listening,
    read_answer,
)
from tests.e2e.limits.served import command_app

pytestmark = pytest.mark.e2e

LIMIT = 3
# Bounds a wait on the server (a hang would otherwise stop the test); not a speed claim.
WAIT_SECONDS = 10


async def served_connection(port: int, source: str) -> Connection | None:
    """A connection that has been answered once (so the server counts it); None if refused."""
    reader, writer = await connect(port, source)
    try:
        writer.write(get_request("/api/health"))
        answer = await read_answer(reader)
    except ConnectionError:
        answer = None
    if answer is None:
        writer.close()
        return None
    assert answer.status == 200
    return reader, writer


async def test_one_connection_beyond_the_limit_is_closed_at_once_and_others_are_served() -> None:
    async with listening(command_app(Settings()), max_connections_per_client=LIMIT) as port:
        held = [await served_connection(port, "127.0.0.2") for _ in range(LIMIT)]
        reader, writer = await connect(port, "127.0.0.2")
        writer.write(get_request("/api/health"))
        async with asyncio.timeout(WAIT_SECONDS):
            beyond = await read_answer(reader)
            closed = await at_end(reader)
        writer.close()
        elsewhere = await served_connection(port, "127.0.0.3")
        # Those it holds keep being served.
        still = []
        for connection in held:
            assert connection is not None
            connection[1].write(get_request("/api/health"))
            still.append(await read_answer(connection[0]))

        assert None not in held
        assert beyond is None
        assert closed
        assert elsewhere is not None
        assert [answer.status if answer else None for answer in still] == [200] * LIMIT


async def test_a_closed_connection_frees_its_place() -> None:
    async with listening(command_app(Settings()), max_connections_per_client=LIMIT) as port:
        held = [await served_connection(port, "127.0.0.2") for _ in range(LIMIT)]
        assert None not in held
        assert await served_connection(port, "127.0.0.2") is None

        first = held[0]
        assert first is not None
        first[1].close()
        # The server learns of the close a moment later: try until it lets a new one in.
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                again = await served_connection(port, "127.0.0.2")
                if again is not None:
                    break
                await asyncio.sleep(0.05)

        assert again is not None
        assert await served_connection(port, "127.0.0.2") is None

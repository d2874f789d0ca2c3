"""REQUEST_BODY_TIMEOUT_SECONDS: a body must arrive whole within it, else 408 BODY_TIMEOUT and
the connection is closed; a body that arrives in time is served."""

import asyncio
import json
import logging

import pytest

from infrastructure.settings import Settings
from tests.e2e.limits.raw_http import (
    at_end,
    connect,
    graphql_post,
    listening,
    post_head,
    read_answer,
)
from tests.e2e.limits.served import CREATE, GatedRepository, command_api, command_app

pytestmark = pytest.mark.e2e

BODY = json.dumps({"query": CREATE}).encode()
# aiohttp reads on ("lingers") for 10 s after an answer given before the body was in; the
# connection must be closed well before that.
CLOSED_WITHIN_SECONDS = 5


async def trickle(writer: asyncio.StreamWriter, data: bytes, pause: float) -> None:
    """`data` a byte at a time, `pause` s apart, until it is sent or the server closes."""
    for index in range(len(data)):
        await asyncio.sleep(pause)
        try:
            writer.write(data[index : index + 1])
            await writer.drain()
        except ConnectionError:
            return


async def test_a_body_slower_than_the_timeout_is_cut_with_a_408_and_its_connection_closed() -> None:
    repository = GatedRepository()
    repository.gate.set()
    settings = Settings(request_body_timeout_seconds=1, request_timeout_seconds=30)
    async with command_api(settings, repository) as client:
        reader, writer = await connect(client.port)
        writer.write(post_head("/api/graphql", len(BODY)))
        # A byte every 0.2 s: the whole body would take far longer than the timeout.
        sending = asyncio.create_task(trickle(writer, BODY, pause=0.2))

        answer = await read_answer(reader)
        async with asyncio.timeout(CLOSED_WITHIN_SECONDS):
            closed = await at_end(reader)
        sending.cancel()
        writer.close()

        assert answer is not None
        assert answer.status == 408
        assert answer.headers["connection"] == "close"
        assert answer.headers["x-correlation-id"]
        assert answer.json() == {
            "errors": [
                {
                    "message": "The request body did not arrive within 1 s; "
                    "the connection is closed",
                    "extensions": {"code": "BODY_TIMEOUT"},
                }
            ]
        }
        assert closed
        assert repository.stored == []
        # Nothing is left held: the next request is served.
        later = await client.post("/api/graphql", json={"query": CREATE})
        assert later.status == 200
    assert len(repository.stored) == 1


async def test_a_body_that_arrives_in_pieces_within_the_timeout_is_served() -> None:
    async with command_api(Settings(request_body_timeout_seconds=10)) as client:
        reader, writer = await connect(client.port)
        writer.write(post_head("/api/graphql", len(BODY)))
        third = len(BODY) // 3
        for piece in (BODY[:third], BODY[third : 2 * third], BODY[2 * third :]):
            await asyncio.sleep(0.2)
            writer.write(piece)
        answer = await read_answer(reader)
        writer.close()

    assert answer is not None
    assert answer.status == 200
    assert answer.json()["data"]["createUserAccount"]["version"] == 1


async def test_a_connection_stays_open_for_the_next_request_after_a_body_in_time() -> None:
    async with command_api(Settings(request_body_timeout_seconds=10)) as client:
        reader, writer = await connect(client.port)
        answers = []
        for _ in range(2):
            writer.write(graphql_post(CREATE))
            answers.append(await read_answer(reader))
        writer.close()

    assert [answer.status if answer else None for answer in answers] == [200, 200]


async def test_a_client_that_leaves_before_its_body_is_in_is_no_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Served as the services are: aiohttp's test server cancels a handler whose client left,
    # the services' server lets it see the lost connection.
    async with listening(command_app(Settings(request_body_timeout_seconds=30))) as port:
        reader, writer = await connect(port)
        writer.write(post_head("/api/graphql", len(BODY), expect_continue=True) + BODY[:5])
        await reader.readuntil(b"\r\n\r\n")  # the guards wait for the rest of the body
        writer.close()
        await writer.wait_closed()
        reader, writer = await connect(port)
        writer.write(graphql_post(CREATE))
        later = await read_answer(reader)
        writer.close()
        # However long the server takes to see the close, it has by the time it stops.

    assert later is not None
    assert later.status == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

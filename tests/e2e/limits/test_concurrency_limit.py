"""MAX_CONCURRENT_REQUESTS: past it, a request is refused at once with a 503 and Retry-After;
health routes are always answered; a request counts only once its body is in."""

import asyncio
import json

import pytest

from infrastructure.settings import Settings
from tests.e2e.limits.raw_http import connect, post_head, read_answer
from tests.e2e.limits.served import CREATE, GatedRepository, command_api

pytestmark = pytest.mark.e2e

BODY = json.dumps({"query": CREATE}).encode()


async def test_requests_beyond_the_limit_are_refused_until_one_finishes() -> None:
    repository = GatedRepository()
    async with command_api(Settings(max_concurrent_requests=2), repository) as client:
        in_progress = [
            asyncio.create_task(client.post("/api/graphql", json={"query": CREATE}))
            for _ in range(2)
        ]
        await repository.until_waiting(2)

        refused = await client.post("/api/graphql", json={"query": CREATE})
        schema = await client.get("/api/graphql/schema")
        health = await client.get("/api/health")
        ready = await client.get("/api/health/ready")

        assert refused.status == 503
        assert refused.headers["Retry-After"] == "1"
        assert await refused.json() == {
            "errors": [
                {
                    "message": "The server is busy: 2 requests are in progress; retry after 1 s",
                    "extensions": {"code": "SERVER_BUSY", "retryAfter": 1},
                }
            ]
        }
        assert schema.status == 503
        assert (health.status, ready.status) == (200, 200)

        repository.gate.set()
        finished = await asyncio.gather(*in_progress)
        assert [response.status for response in finished] == [200, 200]
        again = await client.post("/api/graphql", json={"query": CREATE})
        assert again.status == 200
    assert len(repository.stored) == 3


async def test_a_request_still_receiving_its_body_holds_no_slot() -> None:
    async with command_api(Settings(max_concurrent_requests=1)) as client:
        reader, writer = await connect(client.port)
        writer.write(post_head("/api/graphql", len(BODY), expect_continue=True))
        # aiohttp asks for the body once the request has reached the app; the server serves
        # in this event loop, so its guards are waiting for the body by the time this arrives.
        interim = await reader.readuntil(b"\r\n\r\n")

        other = await client.post("/api/graphql", json={"query": CREATE})
        writer.write(BODY)
        completed = await read_answer(reader)
        writer.close()

        assert interim.startswith(b"HTTP/1.1 100 Continue")
        assert other.status == 200
        assert completed is not None
        assert completed.status == 200

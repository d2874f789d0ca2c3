"""MAX_REQUEST_BODY_BYTES, MAX_QUERY_DEPTH and MAX_QUERY_COMPLEXITY set what each API accepts."""

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from infrastructure.settings import Settings
from tests.e2e.limits.served import command_api, query_api

pytestmark = pytest.mark.e2e

ApiFactory = Callable[[Settings], AbstractAsyncContextManager[TestClient[Any, Any]]]
BOTH_APIS = [pytest.param(command_api, id="command-api"), pytest.param(query_api, id="query-api")]


def padded(size: int) -> bytes:
    """A valid request of exactly `size` bytes."""
    body = b'{"query": "{ __typename }"}'
    return body + b" " * (size - len(body))


def type_chain(depth: int) -> str:
    inner = "name"
    for _ in range(depth - 2):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "String") {{ {inner} }} }}'


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{index}: __typename" for index in range(count)) + " }"


async def post(client: TestClient[Any, Any], body: Any) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        "/api/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    return response.status, await response.json()


async def run(client: TestClient[Any, Any], query: str) -> dict[str, Any]:
    status, answer = await post(client, json.dumps({"query": query}))
    assert status == 200
    return answer


@pytest.mark.parametrize("api", BOTH_APIS)
async def test_the_body_limit_is_the_configured_one(api: ApiFactory) -> None:
    async with api(Settings(max_request_body_bytes=2048)) as client:
        accepted = await post(client, padded(2048))
        refused = await post(client, padded(2049))

    assert accepted == (200, {"data": {"__typename": "Query"}})
    assert refused == (
        413,
        {
            "errors": [
                {
                    "message": "Request body exceeds the limit of 2048 bytes (2 KiB)",
                    "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                }
            ]
        },
    )


async def test_a_chunked_body_above_the_limit_is_refused_too() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(10):
            yield b"y" * 1000
        yield b'"}}'

    async with command_api(Settings(max_request_body_bytes=4096)) as client:
        status, answer = await post(client, chunks())

    assert status == 413
    assert answer["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}


@pytest.mark.parametrize("api", BOTH_APIS)
async def test_the_depth_limit_is_the_configured_one(api: ApiFactory) -> None:
    async with api(Settings(max_query_depth=5)) as client:
        within = await run(client, type_chain(5))
        beyond = await run(client, type_chain(6))

    assert within == {"data": {"__type": {"ofType": None}}}
    assert beyond == {
        "errors": [
            {
                "message": "Query depth 6 exceeds the maximum of 5",
                "extensions": {"code": "QUERY_TOO_DEEP"},
            }
        ]
    }


@pytest.mark.parametrize("api", BOTH_APIS)
async def test_the_complexity_limit_is_the_configured_one(api: ApiFactory) -> None:
    async with api(Settings(max_query_complexity=10)) as client:
        within = await run(client, aliases(10))
        beyond = await run(client, aliases(11))

    assert len(within["data"]) == 10
    assert beyond == {
        "errors": [
            {
                "message": "Query selects 11 fields, more than the maximum of 10",
                "extensions": {"code": "QUERY_TOO_COMPLEX"},
            }
        ]
    }


async def test_raised_limits_let_deeper_and_larger_queries_through() -> None:
    # Beyond the defaults' lexical bounds too (64 nested brackets, 10,000 tokens): those
    # follow the configured limits.
    settings = Settings(max_query_depth=100, max_query_complexity=5000)
    async with command_api(settings) as client:
        deep = await run(client, type_chain(100))
        large = await run(client, aliases(5000))
        too_deep = await run(client, type_chain(101))

    assert deep == {"data": {"__type": {"ofType": None}}}
    assert len(large["data"]) == 5000
    assert too_deep["errors"][0]["extensions"] == {"code": "QUERY_TOO_DEEP"}

"""RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST: a token bucket per client address, off by default;
past it, HTTP 429 RATE_LIMITED with Retry-After. Health routes are never limited.

The buckets' clock stands still unless a test moves it: what is allowed does not depend on how
long the requests take on a busy machine."""

from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from infrastructure.http.rate_limiter import TokenBuckets
from infrastructure.settings import Settings
from tests.e2e.limits.served import command_api, query_api

pytestmark = pytest.mark.e2e

QUERY = {"query": "{ __typename }"}


class StillClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock() -> Iterator[StillClock]:
    """The clock of every TokenBuckets a server builds during the test (their default one)."""
    clock = StillClock()
    defaults = TokenBuckets.__init__.__kwdefaults__
    real = defaults["clock"]
    defaults["clock"] = clock
    try:
        yield clock
    finally:
        defaults["clock"] = real


async def statuses(
    client: TestClient[Any, Any], count: int, path: str = "/api/graphql"
) -> list[int]:
    result = []
    for _ in range(count):
        if path == "/api/graphql":
            response = await client.post(path, json=QUERY)
        else:
            response = await client.get(path)
        result.append(response.status)
    return result


async def test_there_is_no_rate_limit_by_default() -> None:
    async with query_api(Settings()) as client:
        assert await statuses(client, 60) == [200] * 60


async def test_a_client_past_its_burst_is_told_when_to_come_back() -> None:
    async with command_api(Settings(rate_limit_per_second=0.5, rate_limit_burst=3)) as client:
        assert await statuses(client, 3) == [200] * 3
        refused = await client.post("/api/graphql", json=QUERY)

        assert refused.status == 429
        assert refused.headers["Retry-After"] == "2"
        assert "X-Correlation-ID" in refused.headers
        assert await refused.json() == {
            "errors": [
                {
                    "message": "Too many requests: the limit is 0.5 per second per client "
                    "(bursts of 3); retry after 2 s",
                    "extensions": {"code": "RATE_LIMITED", "retryAfter": 2},
                }
            ]
        }
        assert await statuses(client, 2, "/api/graphql/schema") == [429, 429]


async def test_health_routes_are_never_rate_limited() -> None:
    async with query_api(Settings(rate_limit_per_second=0.1, rate_limit_burst=1)) as client:
        assert await statuses(client, 2) == [200, 429]
        assert await statuses(client, 20, "/api/health") == [200] * 20
        assert await statuses(client, 20, "/api/health/ready") == [200] * 20


async def test_tokens_come_back_at_the_configured_rate(clock: StillClock) -> None:
    async with command_api(Settings(rate_limit_per_second=20, rate_limit_burst=1)) as client:
        assert await statuses(client, 2) == [200, 429]
        clock.now += 0.04  # not quite a token's worth
        assert await statuses(client, 1) == [429]
        clock.now += 0.06  # two tokens' worth since the last one, but the burst is one
        assert await statuses(client, 2) == [200, 429]


async def test_the_burst_defaults_to_the_rate_rounded_up() -> None:
    async with command_api(Settings(rate_limit_per_second=2.5)) as client:
        assert await statuses(client, 4) == [200, 200, 200, 429]


async def test_each_client_address_has_its_own_bucket() -> None:
    async with command_api(Settings(rate_limit_per_second=0.1, rate_limit_burst=1)) as client:
        assert await statuses(client, 2) == [200, 429]
        # Another address of the loopback network, another client.
        connector = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
        async with aiohttp.ClientSession(connector=connector) as other:
            url = client.make_url("/api/graphql")
            first = await other.post(url, json=QUERY)
            second = await other.post(url, json=QUERY)

        assert (first.status, second.status) == (200, 429)

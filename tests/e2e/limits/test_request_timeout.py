"""REQUEST_TIMEOUT_SECONDS: a request that takes longer is cancelled and answered with a 504."""

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from infrastructure.graphql_http.app import create_graphql_app
from infrastructure.graphql_http.service_limits import ServiceLimits
from infrastructure.http.health import ReadinessCheck
from infrastructure.http.limits import HttpLimits
from infrastructure.settings import Settings
from interface_adapter.graphql.command import COMMAND_SCHEMA
from tests.e2e.limits.served import CREATE, GatedRepository, command_api, query_api

pytestmark = pytest.mark.e2e


async def test_a_request_past_the_timeout_is_cancelled_with_a_504() -> None:
    repository = GatedRepository()
    async with command_api(Settings(request_timeout_seconds=0.2), repository) as client:
        response = await client.post("/api/graphql", json={"query": CREATE})
        answer = await response.json()

        assert response.status == 504
        correlation_id = response.headers["X-Correlation-ID"]
        assert answer == {
            "errors": [
                {
                    "message": "The request did not complete within 0.2 s and was cancelled; "
                    "a mutation may have been applied nonetheless "
                    f"(correlation id: {correlation_id})",
                    "extensions": {"code": "REQUEST_TIMEOUT", "correlationId": correlation_id},
                }
            ]
        }
        # The command was cancelled while it waited: it wrote nothing, and holds nothing.
        assert repository.waiting == 0
        assert repository.stored == []
        repository.gate.set()
        later = await client.post("/api/graphql", json={"query": CREATE})
        assert later.status == 200


async def test_a_body_sent_too_slowly_is_cut_off_by_the_timeout() -> None:
    async def slow_body() -> AsyncIterator[bytes]:
        yield b'{"query": '
        await asyncio.sleep(5)
        yield b'"{ __typename }"}'

    async with query_api(Settings(request_timeout_seconds=0.2)) as client:
        response = await client.post(
            "/api/graphql", data=slow_body(), headers={"Content-Type": "application/json"}
        )

        assert response.status == 504
        assert (await response.json())["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


async def test_a_request_within_the_timeout_is_not_affected() -> None:
    async with command_api(Settings(request_timeout_seconds=5)) as client:
        response = await client.post("/api/graphql", json={"query": CREATE})

    assert response.status == 200


async def test_a_timeout_of_the_handler_itself_is_an_internal_error_not_a_504() -> None:
    def no_checks() -> Mapping[str, ReadinessCheck]:
        return {}

    def timing_out_context(request: web.Request) -> Any:
        raise TimeoutError("a client library gave up")

    app = create_graphql_app(
        COMMAND_SCHEMA,
        readiness_checks=no_checks,
        context_factory=timing_out_context,
        limits=ServiceLimits(http=HttpLimits(request_timeout_seconds=30)),
    )
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.post("/api/graphql", json={"query": "{ __typename }"})

        assert response.status == 500
        assert (await response.json())["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"

"""Failures of the server's own: generic INTERNAL_ERRORs with a correlation id, readiness 503."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.command_api.container import CommandApiContainer
from infrastructure.graphql_http.app import create_graphql_app
from infrastructure.http.health import ReadinessCheck
from infrastructure.logging import JsonFormatter
from interface_adapter.graphql.command import COMMAND_SCHEMA
from tests.e2e.command_api.graphql_http import CREATE, GRAPHQL, only_error
from tests.e2e.command_api.repository_fakes import BrokenRepository, EverythingExistsRepository

pytestmark = pytest.mark.e2e

VALID_INPUT = {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "taro@example.com"}


class FormattedLines(logging.Handler):
    """Keeps each record as the JSON line the service would write, formatted when emitted
    (the correlation id is read from the request's context at that moment)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[list[dict[str, Any]]]:
    handler = FormattedLines()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


async def test_a_failing_repository_is_an_internal_error_that_tells_nothing_but_an_id(
    client: TestClient[Any, Any],
    command_container: CommandApiContainer,
    log_lines: list[dict[str, Any]],
) -> None:
    with command_container.repository.override(providers.Object(BrokenRepository())):
        response = await client.post(
            GRAPHQL, json={"query": CREATE, "variables": {"input": VALID_INPUT}}
        )

    assert response.status == 200
    text = await response.text()
    cid = response.headers["X-Correlation-ID"]
    answer = json.loads(text)
    assert answer["data"] is None
    error = only_error(answer)
    assert error["message"] == f"Internal server error (correlation id: {cid})"
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "correlationId": cid}
    assert error["path"] == ["createUserAccount"]
    for leak in ("hunter2", "internal.example", "ConnectionError", "Traceback", "botocore"):
        assert leak not in text
    [logged] = [line for line in log_lines if line["level"] == "ERROR"]
    assert logged["correlation_id"] == cid
    assert BrokenRepository.SECRET in logged["exception"]
    assert "Traceback" in logged["exception"]
    [access] = [line for line in log_lines if line["message"] == "request"]
    assert access["correlation_id"] == cid
    assert (access["method"], access["path"], access["status"]) == ("POST", GRAPHQL, 200)
    assert access["duration_ms"] >= 0


async def test_the_client_correlation_id_is_the_one_quoted_in_the_error(
    client: TestClient[Any, Any], command_container: CommandApiContainer
) -> None:
    with command_container.repository.override(providers.Object(BrokenRepository())):
        response = await client.post(
            GRAPHQL,
            json={"query": CREATE, "variables": {"input": VALID_INPUT}},
            headers={"X-Request-ID": "client-id-1"},
        )

    assert response.headers["X-Correlation-ID"] == "client-id-1"
    assert "client-id-1" in only_error(await response.json())["message"]


def no_checks() -> Mapping[str, ReadinessCheck]:
    return {}


async def serve(app: web.Application) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


@pytest.fixture
async def crashing_client() -> AsyncIterator[TestClient[Any, Any]]:
    """The command schema behind a view whose context factory crashes: a bug outside GraphQL."""

    def crash(request: web.Request) -> Any:
        raise RuntimeError("secret internals of the context factory")

    async for client in serve(
        create_graphql_app(COMMAND_SCHEMA, readiness_checks=no_checks, context_factory=crash)
    ):
        yield client


async def test_an_unexpected_exception_is_a_500_internal_error_without_details(
    crashing_client: TestClient[Any, Any], log_lines: list[dict[str, Any]]
) -> None:
    response = await crashing_client.post(GRAPHQL, json={"query": "{ commandApiVersion }"})

    assert response.status == 500
    text = await response.text()
    cid = response.headers["X-Correlation-ID"]
    assert json.loads(text) == {
        "errors": [
            {
                "message": f"Internal server error (correlation id: {cid})",
                "extensions": {"code": "INTERNAL_ERROR"},
            }
        ]
    }
    assert "secret" not in text
    assert any("secret internals" in line.get("exception", "") for line in log_lines)


async def failing_check() -> None:
    raise ConnectionError("Could not connect to the endpoint URL\nsecond line")


async def hanging_check() -> None:
    await asyncio.sleep(3600)


async def passing_check() -> None:
    return None


@pytest.fixture
async def unready_client() -> AsyncIterator[TestClient[Any, Any]]:
    def checks() -> Mapping[str, ReadinessCheck]:
        return {"dynamodb": failing_check, "postgres": hanging_check, "clock": passing_check}

    app = create_graphql_app(COMMAND_SCHEMA, readiness_checks=checks, readiness_timeout=0.2)
    async for client in serve(app):
        yield client


async def test_ready_is_503_naming_each_failing_dependency(
    unready_client: TestClient[Any, Any],
) -> None:
    response = await unready_client.get("/api/health/ready")

    assert response.status == 503
    assert await response.json() == {
        "status": "unavailable",
        "checks": {
            "dynamodb": "ConnectionError: Could not connect to the endpoint URL",
            "postgres": "no answer within 0.2 s",
            "clock": "ok",
        },
    }


async def test_health_stays_healthy_while_dependencies_fail(
    unready_client: TestClient[Any, Any],
) -> None:
    response = await unready_client.get("/api/health")

    assert response.status == 200
    assert await response.json() == {"status": "healthy"}


async def test_a_create_that_meets_existing_events_is_an_internal_error(
    client: TestClient[Any, Any], command_container: CommandApiContainer
) -> None:
    # Ids are fresh ULIDs: an aggregate that already exists can only be a bug.
    with command_container.repository.override(providers.Object(EverythingExistsRepository())):
        response = await client.post(
            GRAPHQL, json={"query": CREATE, "variables": {"input": VALID_INPUT}}
        )

    assert only_error(await response.json())["extensions"]["code"] == "INTERNAL_ERROR"

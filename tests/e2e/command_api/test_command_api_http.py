"""HTTP-level behaviour: 400 and 413 answers, body size limit, and the non-GraphQL routes."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from interface_adapter.graphql.command import COMMAND_SCHEMA
from tests.e2e.command_api.graphql_http import GRAPHQL, post_raw

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024
SMALL_QUERY = b'{"query": "{ commandApiVersion }"}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Request body must be valid JSON"),
        (b"", "Request body must be valid JSON"),
        (b'{"query": NaN}', "Request body must be valid JSON"),
        (b"[]", "Batched requests (a JSON array) are not supported"),
        (b"[" + SMALL_QUERY + b"]", "Batched requests (a JSON array) are not supported"),
        (b'"{ commandApiVersion }"', "Request body must be a JSON object"),
        (b"null", "Request body must be a JSON object"),
        (b"{}", 'Request body must contain a "query"'),
        (b'{"query": null}', 'Request body must contain a "query"'),
        (b'{"query": ""}', '"query" must not be empty'),
        (b'{"query": " \\n\\t "}', '"query" must not be empty'),
        (b'{"query": 1}', '"query" must be a string'),
        (b'{"query": ["{ commandApiVersion }"]}', '"query" must be a string'),
        (
            b'{"query": "{ commandApiVersion }", "operationName": 1}',
            '"operationName" must be a string',
        ),
        (b'{"query": "{ commandApiVersion }", "variables": []}', '"variables" must be an object'),
        (b'{"query": "{ commandApiVersion }", "variables": "{}"}', '"variables" must be an object'),
        (b'{"query": "{ commandApiVersion \xff}"}', "Request body must be valid UTF-8"),
        (b'{"query": "{ commandApiVersion \xed\xa0\x80}"}', "Request body must be valid UTF-8"),
    ],
)
async def test_a_body_that_is_not_a_graphql_request_is_a_bad_request(
    client: TestClient[Any, Any], body: bytes, message: str
) -> None:
    status, answer = await post_raw(client, body)

    assert status == 400
    assert answer == {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_a_body_that_is_not_declared_json_is_a_bad_request(
    client: TestClient[Any, Any], content_type: str
) -> None:
    status, answer = await post_raw(client, SMALL_QUERY, content_type=content_type)

    assert status == 400
    assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_json_content_type_with_charset_is_accepted(
    client: TestClient[Any, Any],
) -> None:
    status, answer = await post_raw(client, SMALL_QUERY, "application/json; charset=utf-8")

    assert status == 200
    assert answer["data"]["commandApiVersion"]


def padded(size: int) -> bytes:
    """A valid request of exactly `size` bytes (JSON allows white space after the object)."""
    return SMALL_QUERY + b" " * (size - len(SMALL_QUERY))


async def test_a_body_of_exactly_1_mib_is_accepted(client: TestClient[Any, Any]) -> None:
    status, answer = await post_raw(client, padded(MIB))

    assert status == 200
    assert answer["data"]["commandApiVersion"]


@pytest.mark.parametrize("size", [MIB + 1, 2 * MIB])
async def test_a_body_above_1_mib_is_payload_too_large(
    client: TestClient[Any, Any], size: int
) -> None:
    status, answer = await post_raw(client, padded(size))

    assert status == 413
    assert answer["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize(("size", "status"), [(MIB, 200), (MIB + 1, 413), (2 * MIB, 413)])
async def test_the_limit_holds_for_chunked_bodies(
    client: TestClient[Any, Any], size: int, status: int
) -> None:
    # An async generator is sent with Transfer-Encoding: chunked, without a Content-Length.
    response = await client.post(
        GRAPHQL, data=chunks(padded(size)), headers={"Content-Type": "application/json"}
    )

    assert response.status == status
    assert "Content-Length" not in response.request_info.headers


async def test_health_answers_healthy(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/health")

    assert response.status == 200
    assert (await response.json())["status"] == "healthy"


async def test_ready_answers_ready_with_its_checks(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/health/ready")

    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": {"in-memory": "ok"}}


@pytest.fixture
def command_sdl() -> str:
    return Path(COMMAND_SCHEMA.sdl_path).read_text(encoding="utf-8")


async def test_the_schema_route_answers_the_sdl(
    client: TestClient[Any, Any], command_sdl: str
) -> None:
    response = await client.get("/api/graphql/schema")

    assert response.status == 200
    assert response.content_type == "text/plain"
    sdl = await response.text()
    assert sdl == command_sdl
    assert "createUserAccount(input: CreateUserAccountInput!): UserAccountCommandResult!" in sdl


@pytest.mark.parametrize("path", ["/api/playground", "/api/graphql"])
async def test_the_ide_page_is_graphiql_pointing_at_the_endpoint(
    client: TestClient[Any, Any], path: str
) -> None:
    response = await client.get(path)

    assert response.status == 200
    assert response.content_type == "text/html"
    page = await response.text()
    assert "GraphiQL" in page
    assert "<title>Command API</title>" in page
    assert json.dumps(GRAPHQL) in page


async def test_every_response_carries_a_new_correlation_id(
    client: TestClient[Any, Any],
) -> None:
    first = await client.get("/api/health")
    second = await client.post(GRAPHQL, data=b"[]", headers={"Content-Type": "application/json"})

    ids = {first.headers["X-Correlation-ID"], second.headers["X-Correlation-ID"]}
    assert len(ids) == 2
    assert all(len(cid) >= 16 for cid in ids)


@pytest.mark.parametrize("header", ["X-Correlation-ID", "X-Request-ID"])
async def test_a_sane_incoming_correlation_id_is_kept(
    client: TestClient[Any, Any], header: str
) -> None:
    response = await client.get("/api/health", headers={header: "req-42.a:b"})

    assert response.headers["X-Correlation-ID"] == "req-42.a:b"


@pytest.mark.parametrize("incoming", ["has space", "x" * 129, "new\u00e9line", ""])
async def test_an_insane_incoming_correlation_id_is_replaced(
    client: TestClient[Any, Any], incoming: str
) -> None:
    response = await client.get(
        "/api/health", headers={"X-Correlation-ID": incoming.encode().decode("latin-1")}
    )

    assert response.headers["X-Correlation-ID"] not in (incoming, "")


async def test_an_unknown_route_is_404_with_a_correlation_id(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/nothing-here")

    assert response.status == 404
    assert response.headers["X-Correlation-ID"]

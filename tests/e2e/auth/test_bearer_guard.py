"""The authentication guard of the HTTP layer on its own, with a verifier made for the test: the
Principal on the request, only the protected routes guarded, no body read before the token is
checked, reasons logged and never the token."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import nullcontext
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from infrastructure.auth import PRINCIPAL, Principal, TokenRejectedError
from infrastructure.http.authentication import BearerAuthentication, BearerTokens
from infrastructure.http.limits import HttpLimits
from infrastructure.http.middleware import request_middleware
from tests.e2e.auth.served import TIME_BOUND_SECONDS, UNAUTHENTICATED_BODY

pytestmark = pytest.mark.e2e

GOOD, ADMIN, BOOM = "good.token.value", "admin.token.value", "boom.token.value"
CHALLENGE = 'Bearer realm="test-realm"'
INVALID = 'Bearer realm="test-realm", error="invalid_token"'


class FakeVerifier:
    def __init__(self) -> None:
        self.seen: list[str] = []

    async def verify(self, token: str) -> Principal:
        self.seen.append(token)
        if token == GOOD:
            return Principal("alice", admin=False)
        if token == ADMIN:
            return Principal("root", admin=True)
        if token == BOOM:
            raise RuntimeError(f"a bug that quotes {token}")
        raise TokenRejectedError("made-up reason")


class Handled:
    calls = 0


async def echo_principal(request: web.Request) -> web.Response:
    Handled.calls += 1
    body = await request.read()
    principal = request.get(PRINCIPAL)
    return web.json_response(
        {
            "principal": None if principal is None else [principal.subject, principal.admin],
            "body": len(body),
        }
    )


def guarded_app(verifier: FakeVerifier | None) -> web.Application:
    authentication = (
        None
        if verifier is None
        else BearerAuthentication(
            BearerTokens("test-realm", lambda: nullcontext(verifier)),
            protected=[("POST", "/protected")],
        )
    )
    app = web.Application(middlewares=[request_middleware(HttpLimits(), authentication)])
    if authentication is not None:
        app.cleanup_ctx.append(authentication.opened)
    app.router.add_post("/protected", echo_principal)
    app.router.add_get("/protected", echo_principal)
    app.router.add_post("/open", echo_principal)
    return app


@pytest.fixture
def verifier() -> FakeVerifier:
    return FakeVerifier()


@pytest.fixture
async def client(verifier: FakeVerifier) -> AsyncIterator[TestClient[Any, Any]]:
    Handled.calls = 0
    async with TestClient(TestServer(guarded_app(verifier), host="127.0.0.1")) as client:
        yield client


async def post(
    client: TestClient[Any, Any], path: str = "/protected", **headers: str
) -> tuple[int, Any, web.StreamResponse | Any]:
    response = await client.post(path, data=b"{}", headers=headers)
    return response.status, await response.read(), response


@pytest.mark.parametrize(("token", "expected"), [(GOOD, ["alice", False]), (ADMIN, ["root", True])])
async def test_a_verified_request_carries_its_principal(
    client: TestClient[Any, Any], token: str, expected: list[Any]
) -> None:
    response = await client.post(
        "/protected", data=b"{}", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status == 200
    assert await response.json() == {"principal": expected, "body": 2}


async def test_a_refused_token_is_answered_401_and_reaches_no_handler(
    client: TestClient[Any, Any],
) -> None:
    status, body, response = await post(client, Authorization="Bearer forged.token.x")

    assert (status, body) == (401, UNAUTHENTICATED_BODY)
    assert response.headers["WWW-Authenticate"] == INVALID
    assert response.headers["Content-Type"] == "application/json"
    assert "X-Correlation-ID" in response.headers  # the middleware's answer like any other
    assert Handled.calls == 0


@pytest.mark.parametrize(
    ("headers", "challenge"),
    [
        ({}, CHALLENGE),
        ({"Authorization": "Basic YTpi"}, CHALLENGE),
        ({"Authorization": GOOD}, CHALLENGE),
        ({"Authorization": "Bearer"}, INVALID),
        ({"Authorization": "Bearer   "}, INVALID),
    ],
)
async def test_no_bearer_credentials_get_the_challenge_without_an_error_code(
    client: TestClient[Any, Any], verifier: FakeVerifier, headers: dict[str, str], challenge: str
) -> None:
    status, body, response = await post(client, **headers)

    assert (status, body) == (401, UNAUTHENTICATED_BODY)
    assert response.headers["WWW-Authenticate"] == challenge
    assert verifier.seen == []


async def test_two_authorization_headers_are_refused(
    client: TestClient[Any, Any], verifier: FakeVerifier
) -> None:
    response = await client.post(
        "/protected",
        data=b"{}",
        headers=[("Authorization", f"Bearer {GOOD}"), ("Authorization", f"Bearer {ADMIN}")],
    )

    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == INVALID
    assert verifier.seen == []


async def test_a_fault_in_the_verifier_is_a_401_never_a_500(
    client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        status, body, _ = await post(client, Authorization=f"Bearer {BOOM}")

    assert (status, body) == (401, UNAUTHENTICATED_BODY)
    assert "token verification failed unexpectedly" in caplog.messages
    assert all(BOOM not in record.getMessage() + str(record.__dict__) for record in caplog.records)


async def test_the_reason_is_logged_and_the_token_never(
    client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await post(client, Authorization="Bearer forged.token.x")

    refusals = [
        record for record in caplog.records if record.getMessage() == "authentication refused"
    ]
    assert [record.__dict__["reason"] for record in refusals] == ["made-up reason"]
    assert all("forged.token.x" not in str(record.__dict__) for record in caplog.records)


async def test_other_routes_and_methods_need_no_token(
    client: TestClient[Any, Any], verifier: FakeVerifier
) -> None:
    opened = await client.post("/open", data=b"{}")
    got = await client.get("/protected")

    assert (opened.status, got.status) == (200, 200)
    assert (await opened.json())["principal"] is None
    assert verifier.seen == []


async def test_the_token_is_checked_before_the_body_is_read(client: TestClient[Any, Any]) -> None:
    # A body of 100,000 bytes is announced and never sent: the refusal comes all the same.
    assert client.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    try:
        writer.write(
            b"POST /protected HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\nAuthorization: Bearer forged.token.x\r\n\r\n{"
        )
        await writer.drain()
        async with asyncio.timeout(TIME_BOUND_SECONDS):
            status_line = await reader.readline()
    finally:
        writer.close()

    assert status_line.startswith(b"HTTP/1.1 401")
    assert Handled.calls == 0


async def test_without_authentication_nothing_is_checked_and_no_principal_is_set() -> None:
    async with TestClient(TestServer(guarded_app(None), host="127.0.0.1")) as client:
        response = await client.post("/protected", data=b"{}")

        assert response.status == 200
        assert await response.json() == {"principal": None, "body": 2}

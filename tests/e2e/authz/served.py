"""Both APIs in-process on one in-memory stack, and a test-only middleware that stores a Principal
from plain headers where the real guard verifies a token first: the rules, tested on their own."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from apps.command_api.app import create_app as create_command_app
from apps.in_memory.stack import use_in_memory_stack
from apps.query_api.app import create_app as create_query_app
from infrastructure.auth.principal import PRINCIPAL, Principal
from tests.support.containers import api_containers
from use_case.caller import Caller

SUBJECT_HEADER = "X-Test-Subject"
ADMIN_HEADER = "X-Test-Admin"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def principal_from_test_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    subject = request.headers.get(SUBJECT_HEADER)
    if subject is not None:
        request[PRINCIPAL] = Principal(subject, request.headers.get(ADMIN_HEADER) == "true")
    return await handler(request)


def headers_of(caller: Caller) -> dict[str, str]:
    """The test headers that make `caller` the request's Principal (none: AUTH_MODE=off's)."""
    if caller.subject is None:
        return {}
    return {SUBJECT_HEADER: caller.subject, ADMIN_HEADER: "true" if caller.admin else "false"}


@dataclass(frozen=True, slots=True)
class Stack:
    command: TestClient[Any, Any]
    query: TestClient[Any, Any]

    async def send(
        self, api: TestClient[Any, Any], caller: Caller, query: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        response = await api.post(
            "/api/graphql",
            json={"query": query, "variables": variables},
            headers=headers_of(caller),
        )
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
        return answer


@asynccontextmanager
async def served_stack() -> AsyncIterator[Stack]:
    """Both APIs as `python -m apps.in_memory` builds them (AUTH_MODE=off), plus the headers."""
    command, query = api_containers()
    use_in_memory_stack(command, query)
    command_app, query_app = create_command_app(command), create_query_app(query)
    for app in (command_app, query_app):
        app.middlewares.append(principal_from_test_headers)
    async with (
        TestClient(TestServer(command_app, host="127.0.0.1")) as command_client,
        TestClient(TestServer(query_app, host="127.0.0.1")) as query_client,
    ):
        yield Stack(command_client, query_client)

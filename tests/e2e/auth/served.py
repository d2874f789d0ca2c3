"""A Command or Query API served in-process with AUTH_MODE=jwt, a journal that records what it
stores, a JWKS served over HTTP by the test, and raw requests (bytes a client library refuses)."""

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.command_api.app import create_app as create_command_app
from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from apps.query_api.app import create_app as create_query_app
from apps.query_api.container import QueryApiContainer, use_in_memory_read_model
from domain.user_account import UserAccountEvent
from infrastructure.auth import JwtVerifier
from infrastructure.settings import Settings
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.graphql.command import COMMAND_SCHEMA
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.tokens import ADMIN_GROUP, ADMIN_SCOPE, AUDIENCE, ISSUER

GRAPHQL = "/api/graphql"
# The issue asks for an answer "within a time bound" to every bad token. 5 s is generous: a
# token is refused in milliseconds, and a JWKS fetch gives up after 2 s.
TIME_BOUND_SECONDS = 5.0
UNAUTHENTICATED_BODY = (
    b'{"errors":[{"message":"Authentication required","extensions":{"code":"UNAUTHENTICATED"}}]}'
)
CHALLENGE = 'Bearer realm="pcqrses"'
INVALID_TOKEN = 'Bearer realm="pcqrses", error="invalid_token"'
CREATE = (
    'mutation { createUserAccount(input: {firstName: "Taro", lastName: "Yamada",'
    ' emailAddress: "taro@example.com"}) { id version } }'
)


class TokensTried:
    """How many forged or malformed tokens the suite sent; printed at the end of the run."""

    value = 0


def jwt_settings(*, jwks_file: Path | None = None, jwks_url: str | None = None) -> Settings:
    return Settings(
        auth_mode="jwt",
        auth_issuer=ISSUER,
        auth_audience=AUDIENCE,
        auth_jwks_file=None if jwks_file is None else str(jwks_file),
        auth_jwks_url=jwks_url,
        auth_admin_scope=ADMIN_SCOPE,
        auth_admin_group=ADMIN_GROUP,
    )


@dataclass(slots=True)
class RecordingJournal:
    """The in-memory journal behind the API, and every event it stored."""

    repository: InMemoryUserAccountRepository = field(
        default_factory=lambda: InMemoryUserAccountRepository(InMemoryDataKeys())
    )
    stored: list[UserAccountEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.repository.subscribe(self._record)

    async def _record(self, events: Sequence[UserAccountEvent]) -> None:
        self.stored.extend(events)


@dataclass(frozen=True, slots=True)
class ServedCommandApi:
    client: TestClient[Any, Any]
    container: CommandApiContainer

    @property
    def port(self) -> int:
        port = self.client.port
        assert port is not None
        return port

    def fresh_journal(self) -> RecordingJournal:
        """An empty journal for the next requests (and the resolvers wired to this API)."""
        journal = RecordingJournal()
        self.container.wire(modules=list(COMMAND_SCHEMA.resolver_modules))
        self.container.repository.reset_override()
        self.container.repository.override(providers.Object(journal.repository))
        return journal


@asynccontextmanager
async def command_api(
    settings: Settings, verifier: JwtVerifier | None = None
) -> AsyncIterator[ServedCommandApi]:
    """The Command API as `python -m apps.command_api --in-memory` builds it from `settings`;
    with `verifier`, that one checks the tokens (a test reads its counts, moves its clocks)."""
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings))
    use_in_memory_adapters(container)
    if verifier is not None:
        container.token_verifier.override(providers.Factory(nullcontext, verifier))
    async with TestClient(TestServer(create_command_app(container), host="127.0.0.1")) as client:
        yield ServedCommandApi(client, container)


@asynccontextmanager
async def query_api(settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    container = QueryApiContainer()
    container.settings.override(providers.Object(settings))
    use_in_memory_read_model(container)
    async with TestClient(TestServer(create_query_app(container), host="127.0.0.1")) as client:
        yield client


class JwksServer:
    """A JWKS endpoint the test controls: what it serves, whether it answers at all."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.hanging = False
        self.requests = 0
        self._release = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.hanging:
            await self._release.wait()
        return web.json_response(self.document)

    def release(self) -> None:
        self._release.set()


@asynccontextmanager
async def served_jwks(document: dict[str, Any]) -> AsyncIterator[tuple[JwksServer, str]]:
    """The JWKS server and its URL."""
    jwks = JwksServer(document)
    app = web.Application()
    app.router.add_get("/.well-known/jwks.json", jwks.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        try:
            yield jwks, str(server.make_url("/.well-known/jwks.json"))
        finally:
            jwks.release()


@dataclass(frozen=True, slots=True)
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


async def post_raw(port: int, authorization: bytes | None, body: bytes | None = None) -> RawAnswer:
    """POST a mutation to 127.0.0.1:`port` with `authorization` as the header's raw bytes (none
    when None): any byte, any length, as a hostile client sends them."""
    payload = body if body is not None else json.dumps({"query": CREATE}).encode()
    lines = [
        b"POST " + GRAPHQL.encode() + b" HTTP/1.1",
        b"Host: 127.0.0.1",
        b"Content-Type: application/json",
        b"Content-Length: " + str(len(payload)).encode(),
        b"Connection: close",
    ]
    if authorization is not None:
        lines.append(b"Authorization: " + authorization)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + payload)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, answer_body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawAnswer(int(status_line.split()[1]), headers, answer_body)

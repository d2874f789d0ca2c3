"""JWKS sources against a real file and a real HTTP server: what they read, and each way they
fail as JwksUnavailableError (never another exception, never a hang)."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from infrastructure.auth import (
    JwksFile,
    JwksUnavailableError,
    JwksUrl,
    Principal,
    open_token_verifier,
)
from infrastructure.auth.jwks_sources import MAX_JWKS_BYTES
from infrastructure.settings import Settings
from tests.support.ports import free_port
from tests.support.tokens import AUDIENCE, ISSUER, IssuerKeys, write_jwks

pytestmark = pytest.mark.integration

ISSUER_KEYS = IssuerKeys()


async def test_a_jwks_file_is_read_as_it_is_now(tmp_path: Path) -> None:
    path = write_jwks(tmp_path / "jwks.json", ISSUER_KEYS.rsa)
    source = JwksFile(path)
    first = await source.fetch()
    write_jwks(path, ISSUER_KEYS.rsa, ISSUER_KEYS.ec)

    assert first == {"keys": [ISSUER_KEYS.rsa.jwk]}
    assert await source.fetch() == ISSUER_KEYS.jwks()


@pytest.mark.parametrize("content", [None, "{not json", "\udcff"])
async def test_a_jwks_file_missing_or_not_json_is_unavailable(
    tmp_path: Path, content: str | None
) -> None:
    path = tmp_path / "jwks.json"
    if content is not None:
        path.write_bytes(content.encode("utf-8", "surrogateescape"))

    with pytest.raises(JwksUnavailableError):
        await JwksFile(path).fetch()


@pytest.fixture
async def jwks_app() -> AsyncIterator[TestServer]:
    async def ok(request: web.Request) -> web.Response:
        return web.json_response(ISSUER_KEYS.jwks())

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(MAX_JWKS_BYTES // 65536 + 2):
            await response.write(b" " * 65536)
        return response

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/huge", huge)
    app.router.add_get("/slow", slow)
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


async def test_a_jwks_url_is_fetched(jwks_app: TestServer) -> None:
    server = jwks_app
    async with aiohttp.ClientSession() as session:
        assert await JwksUrl(session, str(server.make_url("/ok"))).fetch() == ISSUER_KEYS.jwks()


async def test_a_jwks_larger_than_the_bound_is_unavailable(
    jwks_app: TestServer,
) -> None:
    server = jwks_app
    async with aiohttp.ClientSession() as session:
        with pytest.raises(JwksUnavailableError, match="larger than"):
            await JwksUrl(session, str(server.make_url("/huge"))).fetch()


async def test_a_jwks_url_that_does_not_answer_in_time_is_unavailable(
    jwks_app: TestServer,
) -> None:
    server = jwks_app
    async with aiohttp.ClientSession() as session:
        source = JwksUrl(session, str(server.make_url("/slow")), timeout_seconds=0.2)
        with pytest.raises(JwksUnavailableError, match=r"no JWKS within 0\.2 s"):
            await source.fetch()


async def test_a_jwks_url_nobody_listens_on_is_unavailable() -> None:
    async with aiohttp.ClientSession() as session:
        source = JwksUrl(session, f"http://127.0.0.1:{free_port()}/jwks")
        with pytest.raises(JwksUnavailableError, match="cannot fetch"):
            await source.fetch()


async def test_the_settings_verifier_of_a_jwks_file_verifies_the_issuers_tokens(
    tmp_path: Path,
) -> None:
    path = write_jwks(tmp_path / "jwks.json", ISSUER_KEYS.rsa)
    settings = Settings(
        auth_mode="jwt", auth_issuer=ISSUER, auth_audience=AUDIENCE, auth_jwks_file=str(path)
    )
    async with open_token_verifier(settings) as verifier:
        assert await verifier.verify(ISSUER_KEYS.token("u")) == Principal("u", False)


async def test_the_settings_verifier_of_a_jwks_url_verifies_the_issuers_tokens(
    jwks_app: TestServer,
) -> None:
    settings = Settings(
        auth_mode="jwt",
        auth_issuer=ISSUER,
        auth_audience=AUDIENCE,
        auth_jwks_url=str(jwks_app.make_url("/ok")),
    )
    async with open_token_verifier(settings) as verifier:
        principal = await verifier.verify(ISSUER_KEYS.token("u", scope="accounts:admin"))

    assert principal == Principal("u", True)

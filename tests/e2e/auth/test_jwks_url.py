"""Keys from a JWKS URL: fetched once, fetched again for a new kid (rotation), and an endpoint
that is down or never answers means 401 within the time bound, never a 5xx or a hang."""

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from infrastructure.auth import JwksUrl, JwtVerifier, KeyRing, token_rules
from tests.e2e.auth.served import (
    CREATE,
    GRAPHQL,
    INVALID_TOKEN,
    TIME_BOUND_SECONDS,
    UNAUTHENTICATED_BODY,
    command_api,
    jwt_settings,
    served_jwks,
)
from tests.support.ports import free_port
from tests.support.tokens import IssuerKeys, claims, jwks, rsa_key

pytestmark = pytest.mark.e2e


async def create_with(client: TestClient[Any, Any], token: str) -> tuple[int, bytes, str]:
    async with asyncio.timeout(TIME_BOUND_SECONDS):
        response = await client.post(
            GRAPHQL, json={"query": CREATE}, headers={"Authorization": f"Bearer {token}"}
        )
        body = await response.read()
    return response.status, body, response.headers.get("WWW-Authenticate", "")


async def test_the_jwks_is_fetched_once_for_many_requests(issuer: IssuerKeys) -> None:
    async with (
        served_jwks(issuer.jwks()) as (endpoint, url),
        command_api(jwt_settings(jwks_url=url)) as api,
    ):
        journal = api.fresh_journal()
        for subject in ("a", "b", "c"):
            status, _, _ = await create_with(api.client, issuer.ec.sign(claims(subject)))
            assert status == 200

    assert endpoint.requests == 1
    assert len(journal.stored) == 3


async def test_a_key_that_appears_in_the_jwks_is_found_a_minute_after_the_last_fetch(
    issuer: IssuerKeys,
) -> None:
    rotated = rsa_key("rsa-2")
    clock = [1000.0]
    async with served_jwks(jwks(issuer.rsa)) as (endpoint, url):
        settings = jwt_settings(jwks_url=url)
        async with aiohttp.ClientSession() as session:
            keys = KeyRing(JwksUrl(session, url), monotonic=lambda: clock[0])
            async with command_api(settings, JwtVerifier(token_rules(settings), keys)) as api:
                api.fresh_journal()
                assert (await create_with(api.client, issuer.token()))[0] == 200
                endpoint.document = jwks(issuer.rsa, rotated)

                assert (await create_with(api.client, rotated.sign(claims())))[0] == 401
                clock[0] += 60
                assert (await create_with(api.client, rotated.sign(claims())))[0] == 200

    assert endpoint.requests == 2


async def test_while_the_jwks_endpoint_is_down_every_token_is_answered_401(
    issuer: IssuerKeys,
) -> None:
    nobody_listens = f"http://127.0.0.1:{free_port()}/.well-known/jwks.json"
    async with command_api(jwt_settings(jwks_url=nobody_listens)) as api:
        journal = api.fresh_journal()
        for token in (issuer.token(), issuer.ec.sign(claims()), issuer.token("other")):
            status, body, challenge = await create_with(api.client, token)

            assert (status, body, challenge) == (401, UNAUTHENTICATED_BODY, INVALID_TOKEN)
        assert journal.stored == []


async def test_a_jwks_endpoint_that_never_answers_costs_a_bounded_wait_shared_by_all(
    issuer: IssuerKeys,
) -> None:
    async with served_jwks(issuer.jwks()) as (endpoint, url):
        endpoint.hanging = True
        async with command_api(jwt_settings(jwks_url=url)) as api:
            journal = api.fresh_journal()
            answers = await asyncio.gather(
                *(create_with(api.client, issuer.token(f"user-{n}")) for n in range(20))
            )

            assert {status for status, _, _ in answers} == {401}
            assert endpoint.requests == 1
            assert journal.stored == []


@pytest.mark.parametrize("answer", [404, 500, 503, "not json", "not a jwks"])
async def test_a_jwks_endpoint_answering_nonsense_means_401(
    issuer: IssuerKeys, answer: int | str
) -> None:
    async def handle(request: web.Request) -> web.Response:
        if isinstance(answer, int):
            return web.Response(status=answer)
        if answer == "not json":
            return web.Response(text="<html>", content_type="text/html")
        return web.json_response(["keys"])

    app = web.Application()
    app.router.add_get("/jwks", handle)
    async with TestServer(app, host="127.0.0.1") as server:
        url = str(server.make_url("/jwks"))
        async with command_api(jwt_settings(jwks_url=url)) as api:
            journal = api.fresh_journal()
            status, body, _ = await create_with(api.client, issuer.token())

    assert (status, body) == (401, UNAUTHENTICATED_BODY)
    assert journal.stored == []

"""Valid tokens over HTTP: RS256, ES256 and a Cognito access token are accepted; a second
request with the same token is served from the cache; rotated keys are found; the routes that
need no token answer without one."""

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from infrastructure.auth import JwksFile, JwtVerifier, KeyRing, token_rules
from tests.e2e.auth.served import (
    CREATE,
    GRAPHQL,
    UNAUTHENTICATED_BODY,
    ServedCommandApi,
    command_api,
    jwt_settings,
    query_api,
)
from tests.support.tokens import IssuerKeys, claims, cognito_access_claims, rsa_key, write_jwks

pytestmark = pytest.mark.e2e


async def create_with(client: TestClient[Any, Any], token: str) -> tuple[int, Any]:
    response = await client.post(
        GRAPHQL, json={"query": CREATE}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status, await response.json()


@pytest.mark.parametrize("signer", ["rsa", "ec"])
async def test_a_token_signed_by_a_key_of_the_issuer_is_accepted(
    api: ServedCommandApi, issuer: IssuerKeys, signer: str
) -> None:
    journal = api.fresh_journal()
    key = issuer.rsa if signer == "rsa" else issuer.ec

    status, answer = await create_with(api.client, key.sign(claims("user-1")))

    assert status == 200
    assert answer["data"]["createUserAccount"]["version"] == 1
    assert len(journal.stored) == 1


async def test_a_cognito_access_token_for_our_app_client_is_accepted(
    api: ServedCommandApi, issuer: IssuerKeys
) -> None:
    journal = api.fresh_journal()

    status, answer = await create_with(api.client, issuer.rsa.sign(cognito_access_claims()))

    assert status == 200, answer
    assert len(journal.stored) == 1


async def test_the_bearer_scheme_is_case_insensitive(
    api: ServedCommandApi, issuer: IssuerKeys
) -> None:
    api.fresh_journal()
    response = await api.client.post(
        GRAPHQL, json={"query": CREATE}, headers={"Authorization": f"bearer {issuer.token()}"}
    )

    assert response.status == 200


async def test_the_query_api_needs_a_token_too(jwks_file: Path, issuer: IssuerKeys) -> None:
    async with query_api(jwt_settings(jwks_file=jwks_file)) as client:
        refused = await client.post(GRAPHQL, json={"query": "{ __typename }"})
        accepted = await client.post(
            GRAPHQL,
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {issuer.token()}"},
        )

        assert refused.status == 401
        assert await refused.read() == UNAUTHENTICATED_BODY
        assert accepted.status == 200
        assert await accepted.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "path", ["/api/health", "/api/health/ready", "/api/graphql/schema", GRAPHQL, "/api/playground"]
)
async def test_the_routes_other_than_post_graphql_need_no_token(
    api_with_jwks_file: ServedCommandApi, path: str
) -> None:
    response = await api_with_jwks_file.client.get(path)

    assert response.status == 200


async def test_a_second_request_with_the_same_token_costs_no_signature_check(
    jwks_file: Path, issuer: IssuerKeys
) -> None:
    settings = jwt_settings(jwks_file=jwks_file)
    verifier = JwtVerifier(token_rules(settings), KeyRing(JwksFile(jwks_file)))
    token, other = issuer.token("user-1"), issuer.token("user-2")
    async with command_api(settings, verifier) as api:
        api.fresh_journal()
        statuses = [(await create_with(api.client, t))[0] for t in (token, token, token)]
        assert verifier.signature_checks == 1

        await create_with(api.client, other)
        assert verifier.signature_checks == 2
    assert statuses == [200, 200, 200]


async def test_a_key_added_to_the_jwks_file_is_found_a_minute_after_the_last_read(
    tmp_path: Path, issuer: IssuerKeys
) -> None:
    jwks_file = write_jwks(tmp_path / "jwks.json", issuer.rsa)
    rotated = rsa_key("rsa-2")
    clock = [1000.0]
    settings = jwt_settings(jwks_file=jwks_file)
    keys = KeyRing(JwksFile(jwks_file), monotonic=lambda: clock[0])
    async with command_api(settings, JwtVerifier(token_rules(settings), keys)) as api:
        api.fresh_journal()
        assert (await create_with(api.client, issuer.token()))[0] == 200
        write_jwks(jwks_file, issuer.rsa, rotated)

        clock[0] += 59
        assert (await create_with(api.client, rotated.sign(claims())))[0] == 401
        clock[0] += 1
        assert (await create_with(api.client, rotated.sign(claims())))[0] == 200
        assert (await create_with(api.client, issuer.token("user-2")))[0] == 200
    assert keys.fetches == 2

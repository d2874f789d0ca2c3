"""With AUTH_MODE=jwt, /metrics needs no token (SPEC §8.1), and a refused request is counted
with its 401 and UNAUTHENTICATED like any other answer."""

import pytest

from tests.e2e.auth.served import CREATE, GRAPHQL, ServedCommandApi
from tests.e2e.metrics.conftest import scrape_client
from tests.support.metrics import delta
from tests.support.tokens import IssuerKeys

pytestmark = pytest.mark.e2e


async def test_refusals_are_counted_and_metrics_need_no_token(
    api_with_jwks_file: ServedCommandApi, issuer: IssuerKeys
) -> None:
    client = api_with_jwks_file.client
    api_with_jwks_file.fresh_journal()
    before = await scrape_client(client)  # without a token
    for authorization in ({}, {"Authorization": "Bearer not-a-token"}):
        response = await client.post(GRAPHQL, json={"query": CREATE}, headers=authorization)
        assert response.status == 401
    accepted = await client.post(
        GRAPHQL,
        json={"query": CREATE},
        headers={"Authorization": f"Bearer {issuer.token('metrics-user')}"},
    )
    assert "errors" not in await accepted.json()
    after = await scrape_client(client)
    refused = {"route": GRAPHQL, "status": "401", "code": "UNAUTHENTICATED"}
    assert delta(before, after, "http_requests_total", **refused) == 2
    ok = {"route": GRAPHQL, "status": "200", "code": "none"}
    assert delta(before, after, "http_requests_total", **ok) == 1
    # Refused before any use case ran: only the accepted command is counted.
    assert delta(before, after, "commands_total", command="create_user_account", outcome="ok") == 1
    # Nothing of a caller (its subject) becomes a label.
    assert "metrics-user" not in after.text

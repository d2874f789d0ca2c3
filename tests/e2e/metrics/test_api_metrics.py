"""GET /metrics of the APIs after known traffic: every request counted once by its route
template, status and error code, every command by its outcome, every cache lookup."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.auth.served import ServedCommandApi
from tests.e2e.command_api.graphql_http import CREATE, DELETE, RENAME
from tests.e2e.metrics.conftest import scrape_client
from tests.support.metrics import delta

pytestmark = pytest.mark.e2e

GRAPHQL = "/api/graphql"
UNKNOWN_ID = "01KB0000000000000000000000"


def create_input(first_name: str = "Taro") -> dict[str, Any]:
    return {"input": {"firstName": first_name, "lastName": "Yamada", "emailAddress": "t@e.co"}}


async def post(client: TestClient[Any, Any], query: str, variables: dict[str, Any]) -> Any:
    response = await client.post(GRAPHQL, json={"query": query, "variables": variables})
    assert response.status == 200
    return await response.json()


def requests_of(route: str, status: str, code: str) -> dict[str, str]:
    return {"route": route, "status": status, "code": code}


async def test_each_request_is_counted_once_by_route_template_status_and_code(
    commands: ServedCommandApi,
) -> None:
    client = commands.client
    commands.fresh_journal()
    before = await scrape_client(client)
    for _ in range(3):
        answer = await post(client, CREATE, create_input())
        assert "errors" not in answer
    for _ in range(2):
        answer = await post(client, CREATE, create_input(first_name=""))
        assert answer["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"
    parse_error = await client.post(GRAPHQL, json={"query": "mutation {"})
    assert parse_error.status == 200
    not_json = await client.post(
        GRAPHQL, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert not_json.status == 400
    assert (await client.get("/api/health")).status == 200
    assert (await client.get("/no/such/page/1234")).status == 404
    assert (await client.get("/api/playground/assets/no-such.js")).status == 404
    after = await scrape_client(client)

    name = "http_requests_total"
    expected = {
        (GRAPHQL, "200", "none"): 3,
        (GRAPHQL, "200", "VALIDATION_ERROR"): 2,
        (GRAPHQL, "200", "GRAPHQL_PARSE_FAILED"): 1,
        (GRAPHQL, "400", "BAD_REQUEST"): 1,
        ("/api/health", "200", "none"): 1,
        ("unmatched", "404", "none"): 1,
        ("/api/playground/assets/{name}", "404", "none"): 1,
        ("/metrics", "200", "none"): 1,  # the first scrape
    }
    for (route, status, code), count in expected.items():
        assert delta(before, after, name, **requests_of(route, status, code)) == count
    assert after.total(name) - before.total(name) == sum(expected.values())
    # The raw path never becomes a label value.
    assert all("/no/such" not in labels["route"] for labels in after.labelled(name))
    timed = "http_request_duration_seconds_count"
    assert delta(before, after, timed, route=GRAPHQL) == 7
    assert delta(before, after, timed, route="unmatched") == 1
    assert delta(before, after, "commands_total", command="create_user_account", outcome="ok") == 3
    rejected = {"command": "create_user_account", "outcome": "VALIDATION_ERROR"}
    assert delta(before, after, "commands_total", **rejected) == 2
    assert after.total("commands_total") - before.total("commands_total") == 5


async def test_commands_count_their_outcomes_and_the_aggregate_cache_its_hits_and_misses(
    commands: ServedCommandApi,
) -> None:
    client = commands.client
    commands.fresh_journal()
    before = await scrape_client(client)
    created = await post(client, CREATE, create_input())  # a new account: no lookup
    account_id = created["data"]["createUserAccount"]["id"]

    def rename(first_name: str, target: str = account_id) -> dict[str, Any]:
        return {"input": {"userAccountId": target, "firstName": first_name, "lastName": "Sato"}}

    outcomes = [
        await post(client, RENAME, rename("Jiro")),  # hit
        await post(client, RENAME, rename("Saburo")),  # hit
        await post(client, RENAME, rename("Saburo")),  # hit: SAME_NAME, confirmed on a load
        await post(client, RENAME, rename("Shiro", UNKNOWN_ID)),  # miss: NOT_FOUND
        await post(client, DELETE, {"input": {"userAccountId": account_id}}),  # hit
        await post(client, DELETE, {"input": {"userAccountId": account_id}}),  # hit: deleted
    ]
    codes = [
        answer["errors"][0]["extensions"]["code"] if "errors" in answer else "ok"
        for answer in outcomes
    ]
    assert codes == ["ok", "ok", "SAME_NAME", "NOT_FOUND", "ok", "ALREADY_DELETED"]
    after = await scrape_client(client)

    def commands_of(command: str, outcome: str) -> float:
        return delta(before, after, "commands_total", command=command, outcome=outcome)

    assert commands_of("create_user_account", "ok") == 1
    assert commands_of("rename_user_account", "ok") == 2
    assert commands_of("rename_user_account", "SAME_NAME") == 1
    assert commands_of("rename_user_account", "NOT_FOUND") == 1
    assert commands_of("delete_user_account", "ok") == 1
    assert commands_of("delete_user_account", "ALREADY_DELETED") == 1
    assert delta(before, after, "aggregate_cache_hits_total") == 5
    assert delta(before, after, "aggregate_cache_misses_total") == 1
    assert delta(before, after, "concurrency_conflicts_total") == 0


async def test_every_command_has_its_accepted_series_before_its_first_request(
    commands: ServedCommandApi,
) -> None:
    scraped = await scrape_client(commands.client)
    for command in ("create_user_account", "rename_user_account", "delete_user_account"):
        assert scraped.has("commands_total", command=command, outcome="ok")
    for counter in ("concurrency_conflicts", "aggregate_cache_hits", "aggregate_cache_misses"):
        assert scraped.has(f"{counter}_total")


async def test_the_query_api_counts_its_own_requests(queries: TestClient[Any, Any]) -> None:
    before = await scrape_client(queries)
    get = "query($id: String!) { getUserAccount(userAccountId: $id) { id } }"
    for _ in range(4):
        answer = await post(queries, get, {"id": UNKNOWN_ID})
        assert answer == {"data": {"getUserAccount": None}}
    refused = await post(queries, "{ getUserAccounts(first: 0) { id } }", {})
    assert refused["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"
    after = await scrape_client(queries)
    name = "http_requests_total"
    assert delta(before, after, name, **requests_of(GRAPHQL, "200", "none")) == 4
    assert delta(before, after, name, **requests_of(GRAPHQL, "200", "VALIDATION_ERROR")) == 1
    # The Query API runs no command: it has no command metrics.
    assert not after.labelled("commands_total")

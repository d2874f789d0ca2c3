"""The Query API's queries as tests send them, and helpers to read the answers."""

from typing import Any

from aiohttp.test_utils import TestClient

from tests.e2e.command_api.graphql_http import only_error, post_graphql

ACCOUNT_FIELDS = "id firstName lastName fullName emailAddress createdAt updatedAt version"

GET = f"""
query Get($id: String!) {{ getUserAccount(userAccountId: $id) {{ {ACCOUNT_FIELDS} }} }}
"""
LIST = """
query List($first: Int, $after: String) { getUserAccounts(first: $first, after: $after) { id } }
"""
LIST_DEFAULT = "{ getUserAccounts { id } }"
BY_IDS = """
query ByIds($ids: [String!]!) { getUserAccountsByIds(userAccountIds: $ids) { id } }
"""
SEARCH = """
query Search($term: String!, $first: Int) {
  searchUserAccounts(searchTerm: $term, first: $first) { id fullName }
}
"""


async def query_data(
    client: TestClient[Any, Any], query: str, variables: dict[str, Any] | None = None
) -> Any:
    """The `data` of a query that must succeed (no errors), as its only field's value."""
    answer = await post_graphql(client, query, variables)
    assert "errors" not in answer, answer
    [value] = answer["data"].values()
    return value


async def ids_of(
    client: TestClient[Any, Any], query: str, variables: dict[str, Any] | None = None
) -> list[str]:
    return [account["id"] for account in await query_data(client, query, variables)]


async def validation_messages(
    client: TestClient[Any, Any], query: str, variables: dict[str, Any] | None = None
) -> list[str]:
    """The messages of the single VALIDATION_ERROR a query must answer (shape checked)."""
    answer = await post_graphql(client, query, variables)
    error = only_error(answer)
    messages: list[str] = error["extensions"]["errors"]
    assert error["extensions"] == {"code": "VALIDATION_ERROR", "errors": messages}
    assert error["message"] == ", ".join(messages)
    return messages

"""Helpers to talk GraphQL to a test client and to read its answers."""

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

GRAPHQL = "/api/graphql"
ULID_PATTERN = r"[0-7][0-9A-HJKMNP-TV-Z]{25}"
INTROSPECTION_QUERY = (Path(__file__).parent / "graphiql_introspection.graphql").read_text()

CREATE = """
mutation Create($input: CreateUserAccountInput!) {
  createUserAccount(input: $input) { id version }
}
"""
RENAME = """
mutation Rename($input: RenameUserAccountInput!) {
  renameUserAccount(input: $input) { id version }
}
"""
DELETE = """
mutation Delete($input: DeleteUserAccountInput!) {
  deleteUserAccount(input: $input) { id version }
}
"""


async def post_graphql(
    client: TestClient[Any, Any],
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    expected_status: int = 200,
    **body: Any,
) -> dict[str, Any]:
    """POST {query, variables, **body}; asserts the HTTP status and returns the JSON answer."""
    payload: dict[str, Any] = {"query": query, **body}
    if variables is not None:
        payload["variables"] = variables
    response = await client.post(GRAPHQL, json=payload)
    assert response.status == expected_status, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


async def post_raw(
    client: TestClient[Any, Any], body: Any, content_type: str = "application/json"
) -> tuple[int, dict[str, Any]]:
    response = await client.post(GRAPHQL, data=body, headers={"Content-Type": content_type})
    return response.status, await response.json()


def only_error(answer: dict[str, Any]) -> dict[str, Any]:
    """The single error of `answer` (asserts there is exactly one)."""
    errors = answer.get("errors")
    assert isinstance(errors, list), answer
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error


def error_code(answer: dict[str, Any]) -> str:
    code: str = only_error(answer)["extensions"]["code"]
    return code


async def create_account(
    client: TestClient[Any, Any], first: str = "Taro", last: str = "Yamada"
) -> str:
    answer = await post_graphql(
        client,
        CREATE,
        {"input": {"firstName": first, "lastName": last, "emailAddress": "taro@example.com"}},
    )
    account_id: str = answer["data"]["createUserAccount"]["id"]
    return account_id

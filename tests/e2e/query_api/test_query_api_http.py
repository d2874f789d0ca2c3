"""The Query API's routes besides queries: schema, introspection, health, playground."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.command_api.graphql_http import post_graphql

pytestmark = pytest.mark.e2e

TYPE_QUERY = """
query Type($name: String!) {
  __type(name: $name) {
    kind
    fields { name args { name defaultValue type { ...Ref } } type { ...Ref } }
  }
}
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { name } } } }
"""


def render(ref: dict[str, Any]) -> str:
    """A type reference of introspection as SDL text, e.g. `[UserAccount!]!`."""
    match ref.get("kind"):
        case "NON_NULL":
            return render(ref["ofType"]) + "!"
        case "LIST":
            return "[" + render(ref["ofType"]) + "]"
    name: str = ref["name"]
    return name


async def fields_of(client: TestClient[Any, Any], type_name: str) -> dict[str, str]:
    """Each field of a type as SDL text: `name(arg: Type = default): Type`."""
    answer = await post_graphql(client, TYPE_QUERY, {"name": type_name})
    fields = {}
    for field in answer["data"]["__type"]["fields"]:
        args = ", ".join(
            f"{arg['name']}: {render(arg['type'])}"
            + (f" = {arg['defaultValue']}" if arg["defaultValue"] is not None else "")
            for arg in field["args"]
        )
        fields[field["name"]] = (f"({args})" if args else "") + ": " + render(field["type"])
    return fields


async def test_the_schema_is_the_one_of_the_specification(client: TestClient[Any, Any]) -> None:
    assert await fields_of(client, "Query") == {
        "getUserAccount": "(userAccountId: String!): UserAccount",
        "getUserAccounts": "(first: Int = 100, after: String): [UserAccount!]!",
        "getUserAccountsByIds": "(userAccountIds: [String!]!): [UserAccount!]!",
        "searchUserAccounts": "(searchTerm: String!, first: Int = 100): [UserAccount!]!",
    }
    assert await fields_of(client, "UserAccount") == {
        "id": ": String!",
        "firstName": ": String!",
        "lastName": ": String!",
        "fullName": ": String!",
        "emailAddress": ": String!",
        "createdAt": ": DateTime!",
        "updatedAt": ": DateTime!",
        "version": ": Int!",
    }
    answer = await post_graphql(client, '{ __type(name: "DateTime") { kind } }')
    assert answer == {"data": {"__type": {"kind": "SCALAR"}}}
    assert await post_graphql(client, "{ __schema { mutationType { name } } }") == {
        "data": {"__schema": {"mutationType": None}}
    }


async def test_the_schema_is_served_as_sdl(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/graphql/schema")

    assert response.status == 200
    text = await response.text()
    assert "scalar DateTime" in text
    assert "getUserAccountsByIds(userAccountIds: [String!]!): [UserAccount!]!" in text


async def test_health_and_readiness_of_the_in_memory_read_model(
    client: TestClient[Any, Any],
) -> None:
    health = await client.get("/api/health")
    ready = await client.get("/api/health/ready")

    assert (health.status, await health.json()) == (200, {"status": "healthy"})
    assert (ready.status, await ready.json()) == (
        200,
        {"status": "ready", "checks": {"in-memory": "ok"}},
    )


async def test_the_playground_is_titled_query_api(client: TestClient[Any, Any]) -> None:
    for path in ("/api/playground", "/api/graphql"):
        response = await client.get(path)
        assert response.status == 200
        assert "Query API" in await response.text()

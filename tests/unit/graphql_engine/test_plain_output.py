"""Plain objects completed in one pass answer exactly what tartiflette's own completion answers.

Two engines of one schema: "plain_on" with install_plain_output (cook_schema does it), and
"plain_off" without; every query must get the same response from both, errors included.
"""

from typing import Any

import pytest
from tartiflette import Engine, Resolver
from tartiflette.schema.registry import SchemaRegistry

from infrastructure.graphql_engine import GraphQLRequest
from infrastructure.graphql_engine.executor import GraphQLExecutor
from infrastructure.graphql_engine.plain_output import install_plain_output

pytestmark = pytest.mark.unit

SDL = """
type Item { id: String! name: String count: Int! items: String }
type Query {
  one(kind: String!): Item
  required(kind: String!): Item!
  many(kind: String!): [Item!]!
  loose(kind: String!): [Item]
}
"""

GOOD = {"id": "a", "name": "A", "count": 1, "items": "x"}
VALUES: dict[str, Any] = {
    "good": GOOD,
    "null": None,
    "missing_required": {"name": "A", "count": 1},
    "missing_nullable": {"id": "a", "count": 1},
    "bad_int": {"id": "a", "name": "A", "count": "many", "items": "x"},
    "huge_int": {"id": "a", "name": "A", "count": 2**40, "items": "x"},
    "bool_as_string": {"id": True, "name": False, "count": True, "items": "x"},
    "not_a_dict": 42,
}
LISTS: dict[str, Any] = {
    "good": [GOOD, GOOD],
    "empty": [],
    "null_item": [GOOD, None],
    "bad_item": [GOOD, VALUES["bad_int"], VALUES["missing_required"]],
    "exception_item": [GOOD, ValueError("boom")],
    "not_a_list": GOOD,
    "null": None,
}


def _register(schema_name: str) -> None:
    @Resolver("Query.one", schema_name=schema_name)
    async def one(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return VALUES[args["kind"]]

    @Resolver("Query.required", schema_name=schema_name)
    async def required(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return VALUES[args["kind"]]

    @Resolver("Query.many", schema_name=schema_name)
    async def many(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return LISTS[args["kind"]]

    @Resolver("Query.loose", schema_name=schema_name)
    async def loose(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return LISTS[args["kind"]]


_executors: dict[str, GraphQLExecutor] = {}


async def executor(schema_name: str) -> GraphQLExecutor:
    if schema_name not in _executors:
        _register(schema_name)
        await Engine().cook(
            sdl=SDL,
            schema_name=schema_name,
            coerce_list_concurrently=False,
            coerce_parent_concurrently=False,
        )
        schema = SchemaRegistry.find_schema(schema_name)
        if schema_name == "plain_on":
            assert install_plain_output(schema) == [
                "Query.one",
                "Query.required",
                "Query.many",
                "Query.loose",
            ]
        _executors[schema_name] = GraphQLExecutor(schema)
    return _executors[schema_name]


async def both(query: str) -> dict[str, Any]:
    request = GraphQLRequest(query)
    fast = await (await executor("plain_on")).execute(request)
    standard = await (await executor("plain_off")).execute(request)
    assert fast == standard
    return fast


async def test_a_plain_selection_is_completed_as_tartiflette_does() -> None:
    answer = await both('{ one(kind: "good") { id name count } }')

    assert answer == {"data": {"one": {"id": "a", "name": "A", "count": 1}}}


async def test_a_field_named_like_a_dict_method_reads_the_method_as_tartiflette_does() -> None:
    # tartiflette's default resolver tries getattr() before the key: on a dict, `items` is
    # its method. Odd, but the one-pass completion must not answer differently.
    answer = await both('{ one(kind: "good") { items } }')

    assert answer["data"]["one"]["items"].startswith("<built-in method items")


@pytest.mark.parametrize("kind", sorted(VALUES))
@pytest.mark.parametrize("field", ["one", "required"])
async def test_every_object_value_gets_the_same_answer(field: str, kind: str) -> None:
    await both(f'{{ {field}(kind: "{kind}") {{ id name count items }} }}')


@pytest.mark.parametrize("kind", sorted(LISTS))
@pytest.mark.parametrize("field", ["many", "loose"])
async def test_every_list_value_gets_the_same_answer(field: str, kind: str) -> None:
    await both(f'{{ {field}(kind: "{kind}") {{ id count }} }}')


@pytest.mark.parametrize(
    "selection",
    [
        "{ first: id again: id id }",
        "{ __typename id }",
        "{ ...F }",
        "{ ... on Item { id } name }",
        "{ id @skip(if: true) name @include(if: false) count }",
    ],
)
async def test_aliases_typename_fragments_and_directives_get_the_same_answer(
    selection: str,
) -> None:
    fragment = " fragment F on Item { id count }" if "...F" in selection else ""
    answer = await both(f'{{ many(kind: "good") {selection} }}{fragment}')

    assert "errors" not in answer


async def test_a_field_selected_twice_at_the_root_gets_the_same_answer() -> None:
    await both('{ one(kind: "good") { id } one(kind: "good") { name } }')

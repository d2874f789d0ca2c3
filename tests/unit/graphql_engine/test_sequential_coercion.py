"""Sequential coercion (engine.py) answers exactly what tartiflette's concurrent coercion answers.

cook_schema cooks with lists, parents and arguments coerced one after another instead of as a
task each. Two engines of one schema, "concurrent" with tartiflette's defaults and "sequential"
with cook_schema's options, both executing every request through tartiflette (no prepared
operations, no one-pass completion): every query must get the same data. The errors are the
same with two differences, both allowed by the GraphQL specification (and graphql-js behaves as
the sequential engine does): one after another they come in the order of the document and the
lists, where concurrently they come in the order the tasks finished; and once a null for a
non-null field has nulled its parent, the parent's remaining fields are not completed, so errors
below that null (which concurrent coercion still finds in the siblings) are not reported. As in
the APIs, fields below the root have no resolver of their own, so nothing else can differ.
"""

import json
from collections import Counter
from typing import Any

import pytest
from tartiflette import Engine, Resolver
from tartiflette.resolver.default import sync_arguments_coercer
from tartiflette.schema.registry import SchemaRegistry

from infrastructure.graphql_engine import GraphQLRequest
from infrastructure.graphql_engine.executor import GraphQLExecutor

pytestmark = pytest.mark.unit

SDL = """
type Leaf { id: String! n: Int }
type Node { id: String! n: Int! leaves: [Leaf] strict: [Leaf!]! grid: [[Int!]] }
type Query {
  nodes(kinds: [String!]!, first: Int = 3): [Node]
  strictNodes(kinds: [String!]!): [Node!]!
  node(kind: String!, first: Int = 2, flag: Boolean, label: String = "x"): Node
}
"""

LEAF = {"id": "l", "n": 1}
NODES: dict[str, Any] = {
    "good": {"id": "a", "n": 1, "leaves": [LEAF, LEAF], "strict": [LEAF], "grid": [[1, 2], [3]]},
    "null": None,
    "bad_n": {"id": "b", "n": "many", "leaves": [], "strict": [], "grid": []},
    "bad_leaves": {
        "id": "c",
        "n": 2,
        "leaves": [LEAF, {"id": None}, {"id": "x", "n": "y"}, None],
        "strict": [LEAF, None, {"n": 1}],
        "grid": [[1, None], None, [2**40, "z"]],
    },
    "missing": {"n": 3},
}
KINDS = sorted(NODES)
SELECTION = "{ id n leaves { id n } strict { id n } grid }"


def _register(schema_name: str) -> None:
    @Resolver("Query.nodes", schema_name=schema_name)
    @Resolver("Query.strictNodes", schema_name=schema_name)
    async def nodes(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return [NODES[kind] for kind in args["kinds"]]

    @Resolver("Query.node", schema_name=schema_name)
    async def node(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        found = NODES[args["kind"]]
        return None if found is None else {**found, "id": repr(sorted(args.items()))}


_executors: dict[str, GraphQLExecutor] = {}


async def executor(kind: str) -> GraphQLExecutor:
    if kind not in _executors:
        schema_name = f"sequential_coercion_{kind}"
        _register(schema_name)
        options: dict[str, Any] = (
            {
                "coerce_list_concurrently": False,
                "coerce_parent_concurrently": False,
                "custom_default_arguments_coercer": sync_arguments_coercer,
            }
            if kind == "sequential"
            else {}
        )
        await Engine().cook(sdl=SDL, schema_name=schema_name, **options)
        schema = SchemaRegistry.find_schema(schema_name)
        _executors[kind] = GraphQLExecutor(schema, prepared_operations=False)
    return _executors[kind]


def _errors(response: dict[str, Any]) -> Counter[str]:
    return Counter(json.dumps(error, sort_keys=True) for error in response.get("errors", ()))


def _below_a_null(data: Any, path: list[str | int]) -> bool:
    """Whether a proper prefix of `path` leads to a null in `data` (a value nulled anyway)."""
    value = data
    for step in path[:-1]:
        if value is None:
            return True
        value = value[step]
    return value is None and len(path) > 1


async def both(query: str, variables: dict[str, Any] | None = None) -> Any:
    request = GraphQLRequest(query, variables or {})
    sequential = await (await executor("sequential")).execute(request)
    concurrent = await (await executor("concurrent")).execute(request)
    assert list(sequential) == list(concurrent)
    assert sequential.get("data") == concurrent.get("data")
    missing = _errors(sequential) - _errors(concurrent)
    assert not missing
    for extra in (_errors(concurrent) - _errors(sequential)).elements():
        assert _below_a_null(sequential["data"], json.loads(extra)["path"]), extra
    return sequential


async def test_a_good_answer_is_the_same() -> None:
    answer = await both(f'{{ nodes(kinds: ["good", "good"]) {SELECTION} }}')

    assert "errors" not in answer
    assert len(answer["data"]["nodes"]) == 2


@pytest.mark.parametrize("field", ["nodes", "strictNodes"])
@pytest.mark.parametrize("kind", KINDS)
async def test_every_value_gets_the_same_answer(field: str, kind: str) -> None:
    await both(f'{{ {field}(kinds: ["good", "{kind}", "bad_leaves"]) {SELECTION} }}')


async def test_errors_from_many_items_are_the_same_in_the_order_of_the_list() -> None:
    kinds = json.dumps(KINDS)
    answer = await both(
        f"{{ a: nodes(kinds: {kinds}) {SELECTION} b: nodes(kinds: {kinds}) {SELECTION} }}"
    )
    assert len(answer["errors"]) > 5

    answer = await both('{ nodes(kinds: ["good", "bad_leaves"]) { id leaves { id n } } }')
    # Concurrently, the error of the non-null `id` came second: it passes more layers.
    assert [error["path"] for error in answer["errors"]] == [
        ["nodes", 1, "leaves", 1, "id"],
        ["nodes", 1, "leaves", 2, "n"],
    ]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ node(kind: "good") { id } }', {}),
        ('{ node(kind: "good", first: 7, flag: true, label: null) { id } }', {}),
        (
            "query Q($k: String!, $f: Int, $l: String) "
            "{ node(kind: $k, first: $f, label: $l) { id n } }",
            {"k": "good", "f": None},
        ),
        ("query Q($k: String!, $f: Int) { node(kind: $k, first: $f) { id } }", {"k": "bad_n"}),
        ("query Q($k: String!) { node(kind: $k) { id n } }", {"k": "missing"}),
        ("query Q($k: String!) { node(kind: $k) { id n } }", {"k": 3}),
    ],
)
async def test_arguments_are_coerced_to_the_same_values(
    query: str, variables: dict[str, Any]
) -> None:
    await both(query, variables)

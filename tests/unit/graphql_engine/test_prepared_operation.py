"""Prepared operations answer exactly what tartiflette answers, and run a resolver once.

One schema, cooked as cook_schema cooks (plain output, replayable root resolvers), and two
executors on it: "prepared" (the default) and "standard" (prepared_operations=False, every
request through tartiflette). Every request must get the same response from both, errors
included, and reach the resolvers with the same arguments the same number of times. The
resolvers echo their arguments and resolve info into the response, so that a difference in
coercion shows.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tartiflette import Engine, Resolver
from tartiflette.schema.registry import SchemaRegistry

from infrastructure.graphql_engine import CodedError, GraphQLRequest
from infrastructure.graphql_engine import executor as executor_module
from infrastructure.graphql_engine.executor import GraphQLExecutor
from infrastructure.graphql_engine.plain_output import install_plain_output
from infrastructure.graphql_engine.resolver_replay import install_replay

pytestmark = pytest.mark.unit

SCHEMA_NAME = "prepared_operation_test"
SDL = """
input Nested { label: String! weight: Int }
input Thing { name: String! count: Int tags: [String!] flag: Boolean nested: Nested id: ID }
type Result { id: String! count: Int name: String }
type Query {
  one(key: String!): Result
  required(key: String!): Result!
  many(key: String!, first: Int = 3): [Result!]!
  byIds(ids: [String!]!): [Result!]!
  echo(text: String, number: Int = 7, flag: Boolean): Result
  version: String!
}
type Mutation {
  make(input: Thing!): Result!
  maybe(input: Thing): Result
}
"""

GOOD = {"id": "a", "count": 1, "name": "A"}


class Raised:
    """An exception a resolver raises: a new one each time, as real resolvers do (tartiflette
    keeps the path and locations of an exception's first time on it, see README.md)."""

    def __init__(self, make: Callable[[], Exception]) -> None:
        self.make = make


# What a resolver answers for a key: a value, or an exception to raise.
OUTCOMES: dict[str, Any] = {
    "good": GOOD,
    "null": None,
    "missing": {"count": 1},
    "bad_int": {"id": "a", "count": "many"},
    "huge_int": {"id": "a", "count": 2**40},
    "not_a_dict": 42,
    "coded": Raised(lambda: CodedError("nope", "NOT_FOUND", {"why": ["x"]})),
    "boom": Raised(lambda: ValueError("boom")),
}
KEYS = sorted(OUTCOMES)

calls: list[tuple[str, Any]] = []


def _answer(key: Any, args: dict[str, Any], info: Any) -> Any:
    calls.append((info.field_name, repr(args)))
    known = isinstance(key, str) and key in OUTCOMES
    outcome = OUTCOMES[key] if known else None
    if isinstance(outcome, Raised):
        raise outcome.make()
    if not known:
        # Unknown keys echo what the resolver was given, so that coercion differences show.
        echo = f"{args!r} {info.variable_values!r} {info.path} {info.parent_type.name}"
        return {"id": str(info.return_type), "count": len(args), "name": echo}
    return outcome


def _register() -> None:
    @Resolver("Query.one", schema_name=SCHEMA_NAME)
    @Resolver("Query.required", schema_name=SCHEMA_NAME)
    async def one(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return _answer(args["key"], args, info)

    @Resolver("Query.many", schema_name=SCHEMA_NAME)
    async def many(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        item = _answer(args["key"], args, info)
        first = args.get("first")
        return [item] * (min(max(first, 0), 3) if isinstance(first, int) else 1)

    @Resolver("Query.byIds", schema_name=SCHEMA_NAME)
    async def by_ids(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return [_answer(key, args, info) for key in args["ids"][:3]]

    @Resolver("Query.echo", schema_name=SCHEMA_NAME)
    async def echo(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return _answer(args.get("text", "echo"), args, info)

    @Resolver("Query.version", schema_name=SCHEMA_NAME)
    async def version(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        return "1.0"

    @Resolver("Mutation.make", schema_name=SCHEMA_NAME)
    @Resolver("Mutation.maybe", schema_name=SCHEMA_NAME)
    async def make(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
        data = args.get("input")
        return _answer(data.get("name") if isinstance(data, dict) else "null", args, info)


_executors: dict[str, GraphQLExecutor] = {}


async def _cook() -> dict[str, GraphQLExecutor]:
    if not _executors:
        _register()
        await Engine().cook(
            sdl=SDL,
            schema_name=SCHEMA_NAME,
            coerce_list_concurrently=False,
            coerce_parent_concurrently=False,
        )
        schema = SchemaRegistry.find_schema(SCHEMA_NAME)
        install_plain_output(schema)
        assert install_replay(schema) == [
            "Query.one",
            "Query.required",
            "Query.many",
            "Query.byIds",
            "Query.echo",
            "Query.version",
            "Mutation.make",
            "Mutation.maybe",
        ]
        _executors["prepared"] = GraphQLExecutor(schema)
        _executors["standard"] = GraphQLExecutor(schema, prepared_operations=False)
    return _executors


class _Disagreements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_disagreements = _Disagreements()
logging.getLogger(executor_module.__name__).addHandler(_disagreements)


async def both(query: str, variables: dict[str, Any] | None = None, name: str | None = None) -> Any:
    """The response of both executors (asserted equal), their resolver calls too."""
    executors = await _cook()
    request = GraphQLRequest(query, variables or {}, name)
    answers = {}
    made = {}
    for kind in ("prepared", "standard"):
        calls.clear()
        answers[kind] = await executors[kind].execute(request, {})
        made[kind] = list(calls)
    assert answers["prepared"] == answers["standard"]
    assert made["prepared"] == made["standard"]
    assert not _disagreements.records
    return answers["prepared"]


@pytest.fixture
def tartiflette_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test when a request reaches tartiflette's execution."""

    async def forbidden(*args: Any) -> Any:
        raise AssertionError("the request reached tartiflette")

    monkeypatch.setattr(executor_module, "execute", forbidden)


MAKE = "mutation M($input: Thing!) { make(input: $input) { id count name } }"
MAYBE = "mutation M($input: Thing) { maybe(input: $input) { id count name } }"
MANY = "query Q($key: String!, $first: Int) { many(key: $key, first: $first) { id count } }"
BY_IDS = "query Q($ids: [String!]!) { byIds(ids: $ids) { id name } }"
ECHO = (
    "query Q($text: String, $number: Int = 5, $flag: Boolean) "
    "{ echo(text: $text, number: $number, flag: $flag) { id count name } }"
)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (MAKE, {"input": {"name": "x", "count": 3, "tags": ["a"], "nested": {"label": "l"}}}),
        (MAKE, {"input": {"name": "good", "id": 12}}),
        (MAYBE, {"input": None}),
        (MAYBE, {}),
        (MANY, {"key": "x"}),
        (MANY, {"key": "good", "first": 2}),
        (BY_IDS, {"ids": ["good", "x"]}),
        (ECHO, {}),
        (ECHO, {"text": "t", "number": None, "flag": False}),
        ('{ renamed: echo(text: "lit", flag: true) { name } }', {}),
        ('query { one(key: "good") { id first: name } }', {}),
        ('{ one(key: "null") { id } }', {}),
    ],
)
async def test_usual_operations_never_reach_tartiflette(
    tartiflette_forbidden: None, query: str, variables: dict[str, Any]
) -> None:
    executors = await _cook()
    answer = await executors["prepared"].execute(GraphQLRequest(query, variables), {})

    assert "errors" not in answer


async def test_a_prepared_answer_is_tartiflettes() -> None:
    answer = await both(MAKE, {"input": {"name": "x", "count": 3, "flag": True}})

    assert answer == {
        "data": {
            "make": {
                "id": "Result!",
                "count": 1,
                "name": "{'input': {'name': 'x', 'count': 3, 'flag': True}} "
                "{'input': {'name': 'x', 'count': 3, 'flag': True}} value.make Mutation",
            }
        }
    }


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("query", [MAKE, MAYBE])
async def test_every_resolver_outcome_of_a_mutation_is_answered_once_as_tartiflette_does(
    query: str, key: str
) -> None:
    answer = await both(query, {"input": {"name": key}})

    assert ("errors" in answer) == (
        key not in ("good", "null") or (query == MAKE and key == "null")
    )


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("field", ["one", "required", "many"])
async def test_every_resolver_outcome_of_a_query_is_answered_as_tartiflette_does(
    field: str, key: str
) -> None:
    await both(f"query Q($key: String!) {{ {field}(key: $key) {{ id count name }} }}", {"key": key})


def refusal(path: str, line: int, column: int) -> dict[str, Any]:
    return {
        "message": "nope",
        "locations": [{"line": line, "column": column}],
        "path": [path],
        "extensions": {"code": "NOT_FOUND", "why": ["x"]},
    }


REFUSALS = [
    (MAKE, {"input": {"name": "coded"}}, None, refusal("make", 1, 30)),
    (MAYBE, {"input": {"name": "coded"}}, {"maybe": None}, refusal("maybe", 1, 29)),
    ('{ one(key: "coded") { id } }', {}, {"one": None}, refusal("one", 1, 3)),
    ('{\n  required(key: "coded") { id } }', {}, None, refusal("required", 2, 3)),
    ('{ renamed: one(key: "coded") { id } }', {}, {"renamed": None}, refusal("renamed", 1, 3)),
    (MANY, {"key": "coded"}, None, refusal("many", 1, 39)),
]


@pytest.mark.parametrize(("query", "variables", "data", "error"), REFUSALS)
async def test_a_refusal_is_answered_directly_never_replayed(
    tartiflette_forbidden: None,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    variables: dict[str, Any],
    data: Any,
    error: dict[str, Any],
) -> None:
    def no_replay(outcome: Any) -> Any:
        raise AssertionError("a refusal was replayed")

    monkeypatch.setattr(executor_module, "replaying", no_replay)
    executors = await _cook()
    calls.clear()

    answer = await executors["prepared"].execute(GraphQLRequest(query, variables), {})

    assert answer == {"data": data, "errors": [error]}
    assert len(calls) == 1


@pytest.mark.parametrize(("query", "variables", "data", "error"), REFUSALS)
async def test_a_refusal_is_answered_as_tartiflette_answers_it(
    query: str, variables: dict[str, Any], data: Any, error: dict[str, Any]
) -> None:
    assert await both(query, variables) == {"data": data, "errors": [error]}


async def test_a_refusal_raised_twice_is_located_where_it_was_raised_each_time(
    tartiflette_forbidden: None,
) -> None:
    # tartiflette would quote the first path and location again (see README.md): a resolver
    # that keeps one refusal in a constant is answered right by the prepared path.
    executors = await _cook()
    reused = CodedError("nope", "NOT_FOUND", {"why": ["x"]})
    OUTCOMES["reused"] = Raised(lambda: reused)
    try:
        first = await executors["prepared"].execute(
            GraphQLRequest('{ one(key: "reused") { id } }'), {}
        )
        second = await executors["prepared"].execute(
            GraphQLRequest('{ x: required(key: "reused") { id } }'), {}
        )
    finally:
        del OUTCOMES["reused"]

    assert first["errors"] == [refusal("one", 1, 3)]
    assert second["errors"] == [refusal("x", 1, 3)]


@pytest.mark.parametrize(
    "query",
    [
        '{ one(key: "good") { id } required(key: "good") { id } }',
        '{ one(key: "good") { __typename id } }',
        '{ one(key: "good") { ...F } } fragment F on Result { id }',
        '{ one(key: "good") @skip(if: false) { id } }',
        '{ one(key: "good") { id @include(if: false) name } }',
        "{ version }",
        "{ __typename }",
        'query A { one(key: "good") { id } } query B { version }',
    ],
)
async def test_other_shapes_get_the_same_answer(query: str) -> None:
    await both(query)


@pytest.mark.parametrize("name", [None, "A", "B", "C", ""])
async def test_the_operation_is_chosen_as_tartiflette_chooses_it(name: str | None) -> None:
    query = 'query A { one(key: "good") { id } } query B { one(key: "x") { name } }'
    await both(query, name=name)


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"input": None},
        {"input": "text"},
        {"input": []},
        {"input": {}},
        {"input": {"name": None}},
        {"input": {"name": 1}},
        {"input": {"name": "x", "other": 1}},
        {"input": {"name": "x", "count": 2**31}},
        {"input": {"name": "x", "count": True}},
        {"input": {"name": "x", "count": 1.0}},
        {"input": {"name": "x", "count": 1.5}},
        {"input": {"name": "x", "tags": "one"}},
        {"input": {"name": "x", "tags": [None]}},
        {"input": {"name": "x", "tags": None}},
        {"input": {"name": "x", "nested": {}}},
        {"input": {"name": "x", "nested": {"label": "l", "weight": "w"}}},
        {"input": {"name": "x", "id": 1.0}},
        {"input": {"name": "x", "id": False}},
    ],
)
async def test_variables_that_do_not_coerce_get_the_same_errors(variables: dict[str, Any]) -> None:
    await both(MAKE, variables)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(KEYS)
    | st.text(max_size=4),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["name", "count", "tags", "flag", "nested", "id", "label", "weight", "x"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=8,
)
THINGS = st.fixed_dictionaries(
    {"name": st.sampled_from(KEYS) | st.text(max_size=3) | JSON},
    optional={
        "count": st.integers(min_value=-(2**32), max_value=2**32) | JSON,
        "tags": st.lists(st.text(max_size=2), max_size=2) | JSON,
        "flag": st.booleans() | JSON,
        "nested": st.fixed_dictionaries(
            {"label": st.text(max_size=2) | JSON}, optional={"weight": st.integers() | JSON}
        )
        | JSON,
        "id": st.text(max_size=2) | st.integers() | JSON,
        "other": JSON,
    },
)
VARIABLES = st.dictionaries(
    st.sampled_from(["input", "key", "first", "ids", "text", "number", "flag", "extra"]),
    JSON | THINGS | st.lists(st.sampled_from(KEYS) | JSON, max_size=3),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([MAKE, MAYBE, MANY, BY_IDS, ECHO]), VARIABLES)
def test_any_variables_get_the_same_answer(query: str, variables: dict[str, Any]) -> None:
    asyncio.run(both(query, variables))

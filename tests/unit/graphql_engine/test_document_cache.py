"""The executor's document cache: a query of a usual size is parsed, limited and validated once;
the cached outcome answers exactly what parsing it again would."""

from typing import Any

import pytest

from infrastructure.graphql_engine import GraphQLEngine, GraphQLRequest
from infrastructure.graphql_engine import executor as executor_module
from tests.unit.graphql_engine.sample_schema import SAMPLE_SCHEMA

pytestmark = pytest.mark.unit


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries parse_document is called for, from now on."""
    seen: list[str] = []
    parse = executor_module.parse_document

    def counting(query: str, *args: Any) -> Any:
        seen.append(query)
        return parse(query, *args)

    monkeypatch.setattr(executor_module, "parse_document", counting)
    return seen


@pytest.mark.parametrize(
    "query",
    ['{ echo(text: "cached") }', "{ echo(text: [1]) }", "{ nothing }", "{ echo(text: }"],
    ids=["valid", "invalid-value", "unknown-field", "syntax-error"],
)
async def test_a_usual_query_is_parsed_once_and_answered_the_same(
    parsed: list[str], query: str
) -> None:
    engine = await GraphQLEngine.start(SAMPLE_SCHEMA)

    first = await engine.execute(GraphQLRequest(query), {})
    second = await engine.execute(GraphQLRequest(query), {})

    assert first == second
    assert parsed == [query]


async def test_a_large_query_is_parsed_each_time_and_answered_the_same(parsed: list[str]) -> None:
    engine = await GraphQLEngine.start(SAMPLE_SCHEMA)
    query = '{ echo(text: "' + "x" * 9000 + '") }'

    first = await engine.execute(GraphQLRequest(query), {})
    second = await engine.execute(GraphQLRequest(query), {})

    assert first == second == {"data": {"echo": "x" * 9000}}
    assert parsed == [query, query]

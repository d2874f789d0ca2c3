"""Each tartiflette defect the engine works around, pinned through the engine's seam.

README.md of infrastructure/graphql_engine names these tests: each input here failed (crashed
the process, failed the request, or answered wrong) with tartiflette's own parsing, validation
or error handling.
"""

import time
from typing import Any

import pytest

from infrastructure.graphql_engine import GraphQLEngine, GraphQLRequest, SchemaDefinition
from infrastructure.graphql_engine import engine as engine_module
from tests.unit.graphql_engine.sample_schema import SAMPLE_SCHEMA, SAMPLE_SCHEMA_NAME, SECRET

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
async def engine() -> GraphQLEngine:
    return await GraphQLEngine.start(SAMPLE_SCHEMA)


async def answer(engine: GraphQLEngine, query: str, **variables: Any) -> Any:
    return await engine.execute(GraphQLRequest(query, dict(variables)), {})


def only_error(response: Any) -> tuple[str, str]:
    [error] = response["errors"]
    return error["extensions"]["code"], error["message"]


# Source guard (source_guard.py)


@pytest.mark.parametrize(
    "query",
    [
        "{ " + "item{" * 80_000 + "}" * 80_000 + " }",
        "{ echo(text: " + "[" * 300_000 + "]" * 300_000 + ") }",
        "{" * 10_000,
    ],
    ids=["selections", "list-values", "open-braces"],
)
async def test_deep_nesting_never_reaches_the_parser(engine: GraphQLEngine, query: str) -> None:
    # libgraphqlparser crashed the process (a segmentation fault) some 20,000 levels deep, and
    # tartiflette's transformer raised RecursionError at a few hundred.
    assert only_error(await answer(engine, query)) == (
        "QUERY_TOO_DEEP",
        "Query nests more than 64 levels of brackets",
    )


async def test_a_nul_character_is_a_parse_failure_not_the_end_of_the_document(
    engine: GraphQLEngine,
) -> None:
    # libgraphqlparser reads a C string: it saw `{ echo }` and ignored the rest.
    code, _ = only_error(await answer(engine, "{ echo }\x00 this is not GraphQL"))

    assert code == "GRAPHQL_PARSE_FAILED"


async def test_an_unpaired_surrogate_is_a_parse_failure(engine: GraphQLEngine) -> None:
    # It cannot be encoded as UTF-8 for the parser: the request failed with an internal error.
    assert only_error(await answer(engine, '{ echo(text: "\ud800") }')) == (
        "GRAPHQL_PARSE_FAILED",
        "Syntax Error: the document contains an unpaired surrogate",
    )


# String escapes (string_escapes.py)


@pytest.mark.parametrize(
    ("literal", "text"),
    [("\\u00e9t\\u00e9", "été"), ("\\ud83d\\ude00", "😀"), ("\\u0041\\n", "A\n")],
)
async def test_unicode_escapes_are_read_as_their_characters(
    engine: GraphQLEngine, literal: str, text: str
) -> None:
    # libgraphqlparser decoded `\u00e9` into one byte that is not UTF-8 (the request failed)
    # and mangled surrogate pairs.
    assert await answer(engine, f'{{ echo(text: "{literal}") }}') == {"data": {"echo": text}}


async def test_a_nul_escape_is_a_syntax_error_not_a_cut_string(engine: GraphQLEngine) -> None:
    # libgraphqlparser cut the string there: `"a\u0000b"` became "a".
    code, message = only_error(await answer(engine, '{ echo(text: "a\\u0000b") }'))

    assert code == "GRAPHQL_PARSE_FAILED"
    assert message == "Syntax Error: 1.16: the escape \\u0000 (NUL) is not accepted"


# Validation rules (validation_rules.py)


@pytest.mark.parametrize(
    ("value", "message"),
    [("[1, 2]", "A list is not of correct type String"), ('{a: "b"}', "An object")],
)
async def test_a_list_or_object_for_a_scalar_is_a_validation_error(
    engine: GraphQLEngine, value: str, message: str
) -> None:
    # tartiflette's Values of Correct Type quoted `value_node.value`, which these nodes lack: its
    # AttributeError failed the request.
    code, text = only_error(await answer(engine, f"{{ echo(text: {value}) }}"))

    assert code == "GRAPHQL_VALIDATION_FAILED"
    assert text.startswith(message)


@pytest.mark.parametrize(
    "query",
    [
        "fragment A on Query { echo } { ...A } fragment A on Query { ...A }",
        "{ ...A } fragment A on Query { echo ... on Query { ...A } }",
    ],
    ids=["behind-a-duplicate-name", "through-an-inline-fragment"],
)
async def test_a_fragment_cycle_tartiflette_missed_is_a_validation_error(
    engine: GraphQLEngine, query: str
) -> None:
    # tartiflette's rule looked for spreads only at the top of a fragment and checked the first
    # of two fragments of one name; the rules after it then recursed until the stack ran out.
    code, _ = only_error(await answer(engine, query))

    assert code == "GRAPHQL_VALIDATION_FAILED"


# Limits before the variable rules (document_parser.py, limits.py)


async def test_fragments_spreading_each_other_exponentially_are_refused_at_once(
    engine: GraphQLEngine,
) -> None:
    # The three rules about variables follow spreads without memory: 2^40 walks here.
    levels = 40
    fragments = " ".join(
        f"fragment F{level} on Query {{ ...F{level + 1} ...F{level + 1} }}"
        for level in range(levels)
    )
    last = f"fragment F{levels} on Query {{ echo(text: $v) }}"
    query = f"query Q($v: String) {{ ...F0 }} {fragments} {last}"
    started = time.perf_counter()

    response = await answer(engine, query, v="x")

    assert time.perf_counter() - started < 10
    assert only_error(response) == (
        "QUERY_TOO_COMPLEX",
        f"Query selects {2**levels} fields, more than the maximum of 1000",
    )


# The error coercer (error_mapping.py, engine.py)


async def test_tartiflettes_own_execution_answers_an_internal_error_and_no_detail(
    engine: GraphQLEngine,
) -> None:
    # tartiflette annotates `error_coercer` as a plain function but awaits it: the coercer is a
    # coroutine function. Requests run through the executor; this is the safety net.
    _, tartiflette_engine = engine_module._cooked[SAMPLE_SCHEMA_NAME]

    response = await tartiflette_engine.execute("{ boom }")

    [error] = response["errors"]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert SECRET not in str(response)


async def test_an_unexpected_exception_is_an_internal_error_and_no_detail(
    engine: GraphQLEngine,
) -> None:
    response = await answer(engine, "{ boom }")

    assert response["data"] == {"boom": None}
    code, message = only_error(response)
    assert code == "INTERNAL_ERROR"
    assert message.startswith("Internal server error (correlation id: ")
    assert SECRET not in str(response)


async def test_a_coded_error_is_told_as_it_is(engine: GraphQLEngine) -> None:
    assert await answer(engine, "{ refuse }") == {
        "data": {"refuse": None},
        "errors": [
            {
                "message": "Refused",
                "locations": [{"line": 1, "column": 3}],
                "path": ["refuse"],
                "extensions": {"code": "NOPE", "why": "a test"},
            }
        ],
    }


# The process-wide registry (engine.py)


async def test_a_schema_is_cooked_once_per_process_and_its_name_is_its_own(
    engine: GraphQLEngine,
) -> None:
    # tartiflette fails to cook a second engine under a name already cooked.
    again = await GraphQLEngine.start(SAMPLE_SCHEMA)
    assert await answer(again, '{ echo(text: "x") }') == {"data": {"echo": "x"}}

    impostor = SchemaDefinition(
        schema_name=SAMPLE_SCHEMA_NAME,
        sdl_path=SAMPLE_SCHEMA.sdl_path,
        resolver_modules=(),
        title="Another",
    )
    with pytest.raises(ValueError, match="already used"):
        await GraphQLEngine.start(impostor)

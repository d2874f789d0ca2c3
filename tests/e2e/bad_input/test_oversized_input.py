"""Input built to exhaust a server: deep, wide, repeated, self-referencing, huge, introspective.

Each is answered within the time bound, with the code SPEC §5 gives it (or, for the largest
inputs a server accepts, with data), on both APIs.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.bad_input.answers import send_body, send_graphql
from tests.e2e.bad_input.served_stack import ServedApis, Stores

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024
GRAPHIQL_INTROSPECTION = (
    Path(__file__).parents[1] / "command_api" / "graphiql_introspection.graphql"
).read_text()


def nested_type_chain(levels: int) -> str:
    """`__type`, then `ofType` selections, then `name`: `levels` deep in all."""
    inner = "name"
    for _ in range(levels - 2):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "String") {{ {inner} }} }}'


def aliases(count: int, field: str = "__typename") -> str:
    return "{ " + " ".join(f"a{index}: {field}" for index in range(count)) + " }"


def fragment_chain(length: int) -> str:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(length))
    return f"{{ ...F0 }} {fragments} fragment F{length} on Query {{ __typename }}"


def fragment_bomb(levels: int) -> str:
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ __typename }}"


HEAVY_INTROSPECTION = aliases(
    40,
    "__schema { types { fields { name args { name } "
    "type { name kind ofType { name fields { name } } } } } }",
)

# (case id, document, the code of the single error, or None: it runs)
DOCUMENTS = [
    ("10000-open-braces", "{" * 10_000, "QUERY_TOO_DEEP"),
    (
        "65-brackets-in-a-value",
        "{ __type(name: " + "[" * 65 + "]" * 65 + ") { name } }",
        "QUERY_TOO_DEEP",
    ),
    ("ofType-chain-of-20", nested_type_chain(20), None),
    ("ofType-chain-of-21", nested_type_chain(21), "QUERY_TOO_DEEP"),
    ("ofType-chain-of-60", nested_type_chain(60), "QUERY_TOO_DEEP"),
    ("1000-aliases", aliases(1000), None),
    ("1001-aliases", aliases(1001), "QUERY_TOO_COMPLEX"),
    ("10000-aliases", aliases(10_000), "QUERY_TOO_COMPLEX"),
    ("3000-same-field", "{ " + "__typename " * 3000 + "}", "QUERY_TOO_COMPLEX"),
    ("400-schema-selections", aliases(400, "__schema { types { name } }"), "QUERY_TOO_COMPLEX"),
    ("heaviest-introspection-in-the-limits", HEAVY_INTROSPECTION, None),
    ("graphiql-introspection", GRAPHIQL_INTROSPECTION, None),
    ("fragment-bomb", fragment_bomb(30), "QUERY_TOO_COMPLEX"),
    ("fragment-chain-of-60", fragment_chain(60), None),
    ("fragment-chain-of-1200", fragment_chain(1200), "QUERY_TOO_DEEP"),
    (
        "fragment-cycle",
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "fragment-cycle-through-an-inline-fragment",
        "{ ...A } fragment A on Query { __typename ... on Query { ...A } }",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "fragment-cycle-behind-a-duplicate-name",
        "fragment A on Query { __typename } { ...A } fragment A on Query { ...A }",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "3000-operations",
        " ".join(f"query Q{i} {{ __typename }}" for i in range(3000)),
        "QUERY_TOO_COMPLEX",
    ),
    ("2000-directives", "{ __typename " + "@skip(if: false) " * 2000 + "}", "QUERY_TOO_COMPLEX"),
    ("list-for-a-string", "{ __type(name: [1, 2]) { name } }", "GRAPHQL_VALIDATION_FAILED"),
    ("object-for-a-string", '{ __type(name: {a: "b"}) { name } }', "GRAPHQL_VALIDATION_FAILED"),
    ("nul-character", "{ __typename }\x00 mutation { x }", "GRAPHQL_PARSE_FAILED"),
    ("nul-escape", '{ __type(name: "a\\u0000b") { name } }', "GRAPHQL_PARSE_FAILED"),
    ("lone-surrogate", '{ __type(name: "\ud800") { name } }', "GRAPHQL_PARSE_FAILED"),
    ("lone-surrogate-escape", '{ __type(name: "\\uDC00") { name } }', "GRAPHQL_PARSE_FAILED"),
    ("1-mib-string", '{ __type(name: "' + "x" * (MIB - 100) + '") { name } }', None),
]


@pytest.mark.parametrize(
    ("document", "code"),
    [pytest.param(document, code, id=case) for case, document, code in DOCUMENTS],
)
async def test_an_oversized_document_is_answered_in_time_with_its_code(
    served_apis: ServedApis, stores: Stores, document: str, code: str | None
) -> None:
    before = await stores.state()

    for client in (served_apis.command, served_apis.query):
        answer = await send_graphql(client, document)

        assert answer.codes == ([code] if code else []), answer
        assert await stores.state() == before


def body(variables: Any) -> bytes:
    return json.dumps({"query": "{ __typename }", "variables": variables}).encode()


# (case id, body, HTTP status, code or None)
BODIES = [
    ("900-kib-variable", body({"unused": "x" * 900 * 1024}), 200, None),
    ("50000-variables", body({f"v{i}": i for i in range(50_000)}), 200, None),
    ("exactly-1-mib", body({"x": ""}).ljust(MIB), 200, None),
    ("1-mib-and-1-byte", body({"x": ""}).ljust(MIB + 1), 413, "PAYLOAD_TOO_LARGE"),
    ("10-mib", body({"x": "y" * 10 * MIB}), 413, "PAYLOAD_TOO_LARGE"),
    ("variables-nested-65-levels", body(json.loads("[" * 65 + "]" * 65)), 400, "BAD_REQUEST"),
    (
        "variables-nested-100000-levels",
        b'{"query": "{ a }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        400,
        "BAD_REQUEST",
    ),
    (
        "a-5000-digit-number",
        b'{"query": "{ __typename }", "variables": {"a": ' + b"9" * 5000 + b"}}",
        400,
        "BAD_REQUEST",
    ),
]


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [pytest.param(raw, status, code, id=case) for case, raw, status, code in BODIES],
)
async def test_an_oversized_body_is_answered_in_time_with_its_code(
    served_apis: ServedApis, stores: Stores, raw: bytes, status: int, code: str | None
) -> None:
    for client in (served_apis.command, served_apis.query):
        answer = await send_body(client, raw)

        assert answer.status == status
        assert answer.codes == ([code] if code else []), answer

"""Documents refused before execution: parse and validation failures, depth and size limits."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.command_api.graphql_http import (
    CREATE,
    INTROSPECTION_QUERY,
    error_code,
    only_error,
    post_graphql,
)

pytestmark = pytest.mark.e2e


def refused(answer: dict[str, Any], code: str) -> str:
    """The message of `answer`'s only error, after checking its code and that nothing ran."""
    assert "data" not in answer, answer
    assert error_code(answer) == code
    message: str = only_error(answer)["message"]
    return message


@pytest.mark.parametrize(
    "document",
    ["{ commandApiVersion", "mutation { createUserAccount(input: ) { id } }", "}", "query {"],
)
async def test_a_document_that_does_not_parse_is_parse_failed(
    client: TestClient[Any, Any], document: str
) -> None:
    answer = await post_graphql(client, document)

    assert refused(answer, "GRAPHQL_PARSE_FAILED").startswith("Syntax Error")
    assert only_error(answer)["locations"][0]["line"] == 1


async def test_a_nul_character_is_a_parse_failure_not_an_end_of_document(
    client: TestClient[Any, Any],
) -> None:
    answer = await post_graphql(client, "{ commandApiVersion }\x00 } } garbage")

    refused(answer, "GRAPHQL_PARSE_FAILED")


@pytest.mark.parametrize(
    "document",
    [
        "{ unknownField }",
        "{ commandApiVersion(extra: 1) }",
        "{ commandApiVersion { id } }",
        "mutation { createUserAccount(input: {firstName: 1, lastName: 2}) { id } }",
        'mutation { deleteUserAccount(input: {userAccountId: "x", extra: 1}) { id } }',
        'mutation { deleteUserAccount(input: {userAccountId: "x"}) }',
        "mutation ($input: Int!) { deleteUserAccount(input: $input) { id } }",
        "fragment F on Query { ...G } fragment G on Query { ...F } { ...F }",
        "subscription { commandApiVersion }",
    ],
    ids=[
        "unknown-field",
        "unknown-argument",
        "selection-on-scalar",
        "wrong-literal-types",
        "unknown-input-field",
        "missing-selection",
        "wrong-variable-type",
        "fragment-cycle",
        "no-subscriptions",
    ],
)
async def test_schema_validation_errors_are_validation_failed(
    client: TestClient[Any, Any], document: str
) -> None:
    answer = await post_graphql(client, document)

    assert "data" not in answer
    assert {error["extensions"]["code"] for error in answer["errors"]} == {
        "GRAPHQL_VALIDATION_FAILED"
    }


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"input": None},
        {"input": "a string"},
        {"input": {"firstName": 1, "lastName": "B", "emailAddress": "a@example.com"}},
        {"input": {"firstName": "A", "lastName": "B"}},
    ],
    ids=["missing", "null", "not-an-object", "wrong-field-type", "missing-field"],
)
async def test_variables_that_do_not_fit_their_type_are_validation_failed(
    client: TestClient[Any, Any], variables: dict[str, Any]
) -> None:
    answer = await post_graphql(client, CREATE, variables)

    assert "data" not in answer
    assert {error["extensions"]["code"] for error in answer["errors"]} == {
        "GRAPHQL_VALIDATION_FAILED"
    }


async def test_an_unknown_operation_name_is_validation_failed(
    client: TestClient[Any, Any],
) -> None:
    answer = await post_graphql(client, "query A { commandApiVersion }", operationName="B")

    assert "B" in refused(answer, "GRAPHQL_VALIDATION_FAILED")


async def test_several_operations_without_a_name_is_validation_failed(
    client: TestClient[Any, Any],
) -> None:
    answer = await post_graphql(client, "query A { commandApiVersion } query B { __typename }")

    assert "operation name" in refused(answer, "GRAPHQL_VALIDATION_FAILED")


def nested_type_query(depth: int) -> str:
    """A valid query whose deepest field is at `depth` (4 fields down to `type`, then ofType)."""
    assert depth >= 5
    path = ["__schema", "types", "fields", "type", *["ofType"] * (depth - 5)]
    return "{ " + " { ".join(path) + " { name" + " }" * len(path) + " }"


async def test_a_query_of_depth_20_runs(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(client, nested_type_query(20))

    assert "errors" not in answer
    assert answer["data"]["__schema"]["types"]


async def test_a_query_of_depth_21_is_too_deep(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(client, nested_type_query(21))

    assert refused(answer, "QUERY_TOO_DEEP") == "Query depth 21 exceeds the maximum of 20"


async def test_depth_counts_through_fragments(client: TestClient[Any, Any]) -> None:
    deep = "ofType { " * 16 + "name" + " }" * 16  # type is at depth 4, name at 21
    document = (
        "{ __schema { types { fields { type { ...Deep } } } } } "
        f"fragment Deep on __Type {{ {deep} }}"
    )

    answer = await post_graphql(client, document)

    assert refused(answer, "QUERY_TOO_DEEP") == "Query depth 21 exceeds the maximum of 20"


def aliased_fields(count: int) -> str:
    return " ".join(f"f{index}: commandApiVersion" for index in range(count))


async def test_a_query_of_1000_fields_runs(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(client, "{ " + aliased_fields(1000) + " }")

    assert "errors" not in answer
    assert len(answer["data"]) == 1000


async def test_a_query_of_1001_fields_is_too_complex(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(client, "{ " + aliased_fields(1001) + " }")

    message = refused(answer, "QUERY_TOO_COMPLEX")
    assert message == "Query selects 1001 fields, more than the maximum of 1000"


@pytest.mark.parametrize(("extra", "runs"), [("", True), ("__typename", False)])
async def test_fields_count_once_per_fragment_spread_and_typename_counts(
    client: TestClient[Any, Any], extra: str, runs: bool
) -> None:
    # Ten spreads of a 100-field fragment: 1000 fields, and __typename makes 1001.
    document = (
        "{ " + "...Hundred " * 10 + extra + " } "
        "fragment Hundred on Query { " + aliased_fields(100) + " }"
    )

    answer = await post_graphql(client, document)

    if runs:
        assert "errors" not in answer
    else:
        refused(answer, "QUERY_TOO_COMPLEX")


async def test_exponentially_spreading_fragments_are_refused_at_once(
    client: TestClient[Any, Any],
) -> None:
    fragments = " ".join(
        f"fragment F{level} on Query {{ ...F{level + 1} ...F{level + 1} }}" for level in range(40)
    )
    document = "{ ...F0 } " + fragments + " fragment F40 on Query { __typename }"

    answer = await post_graphql(client, document)

    assert refused(answer, "QUERY_TOO_COMPLEX") == (
        f"Query selects {2**40} fields, more than the maximum of 1000"
    )


async def test_a_document_of_too_many_tokens_is_refused_before_parsing(
    client: TestClient[Any, Any],
) -> None:
    answer = await post_graphql(client, "{ " + "__typename " * 10_001 + "}")

    assert refused(answer, "QUERY_TOO_COMPLEX") == "Query is too large: more than 10000 tokens"


@pytest.mark.parametrize(
    "document",
    [
        "{ " + "__schema{" * 80_000 + "}" * 80_000 + " }",
        "{ commandApiVersion(x: " + "[" * 300_000 + "]" * 300_000 + ") }",
    ],
    ids=["selections", "list-values"],
)
async def test_absurd_nesting_is_refused_before_it_reaches_the_parser(
    client: TestClient[Any, Any], document: str
) -> None:
    # Nesting like this crashed the parser (a segmentation fault) before the lexical guard.
    answer = await post_graphql(client, document)

    assert refused(answer, "QUERY_TOO_DEEP") == "Query nests more than 64 levels of brackets"


async def test_graphiql_introspection_query_fits_the_limits(
    client: TestClient[Any, Any],
) -> None:
    answer = await post_graphql(client, INTROSPECTION_QUERY, operationName="IntrospectionQuery")

    assert "errors" not in answer
    schema = answer["data"]["__schema"]
    assert schema["queryType"]["name"] == "Query"
    assert schema["mutationType"]["name"] == "Mutation"
    type_names = {graphql_type["name"] for graphql_type in schema["types"]}
    assert {"CreateUserAccountInput", "UserAccountCommandResult"} <= type_names


async def test_a_lone_surrogate_quoted_back_in_an_error_is_escaped_json(
    client: TestClient[Any, Any],
) -> None:
    # tartiflette quotes the unknown operation name; orjson cannot encode a lone surrogate.
    answer = await post_graphql(client, "query A { __typename }", operationName="B\ud800")

    assert "B\ud800" in refused(answer, "GRAPHQL_VALIDATION_FAILED")

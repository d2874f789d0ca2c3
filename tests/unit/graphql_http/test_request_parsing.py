"""A POST body becomes a GraphQL request, or a BadRequestError saying what is wrong."""

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.graphql_http.request_parsing import (
    BadRequestError,
    GraphQLRequest,
    parse_graphql_request,
)

pytestmark = pytest.mark.unit


def test_query_variables_and_operation_name_are_read() -> None:
    body = b'{"query": "q", "variables": {"a": 1}, "operationName": "Op", "extensions": {}}'

    assert parse_graphql_request(body) == GraphQLRequest("q", {"a": 1}, "Op")


def test_null_variables_and_operation_name_are_absent() -> None:
    body = b'{"query": "q", "variables": null, "operationName": null}'

    assert parse_graphql_request(body) == GraphQLRequest("q", {}, None)


def test_escaped_lone_surrogates_reach_the_domain() -> None:
    request = parse_graphql_request(b'{"query": "q", "variables": {"a": "\\ud800"}}')

    assert request.variables == {"a": "\ud800"}


@pytest.mark.parametrize(
    "body",
    [b'{"query": "q", "variables": {"a": Infinity}}', b'{"query": "q"} {}', b"\xef\xbb\xbf{}"],
)
def test_what_json_does_not_allow_is_refused(body: bytes) -> None:
    with pytest.raises(BadRequestError):
        parse_graphql_request(body)


@pytest.mark.parametrize(
    ("body", "variables"),
    [
        # orjson would read these integers as floats, or refuse them: the standard library reads.
        (
            b'{"query": "q", "variables": {"a": 123456789012345678901234567890}}',
            123456789012345678901234567890,
        ),
        (b'{"query": "q", "variables": {"a": -99999999999999999999}}', -99999999999999999999),
        (b'{"query": "q", "variables": {"a": 1.5}}', 1.5),
        (b'{"query": "q", "variables": {"a": [1, {"b": 2.0}]}}', [1, {"b": 2.0}]),
    ],
)
def test_numbers_are_read_as_the_standard_library_reads_them(body: bytes, variables: Any) -> None:
    value = parse_graphql_request(body).variables["a"]

    assert value == variables
    assert type(value) is type(variables)


def test_invalid_utf_8_is_refused_as_before() -> None:
    with pytest.raises(BadRequestError, match="valid UTF-8"):
        parse_graphql_request(b'{"query": "\xff"}')


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), _json_values, max_size=4), st.booleans())
def test_variables_are_read_as_the_standard_library_reads_them(
    variables: dict[str, Any], compact: bool
) -> None:
    separators = (",", ":") if compact else (", ", ": ")
    body = json.dumps({"query": "q", "variables": variables}, separators=separators).encode()

    read = parse_graphql_request(body).variables

    # Compared as JSON text: 1 == 1.0 in Python, and an integer read as a float must show.
    assert json.dumps(read) == json.dumps(json.loads(body)["variables"])

"""A POST body becomes a GraphQL request, or a BadRequestError saying what is wrong."""

import pytest

from interface_adapter.graphql.request_parsing import (
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

"""A body whose arrays and objects nest too deep is a BadRequestError, never a crash."""

import json

import pytest

from infrastructure.graphql_http.request_parsing import (
    MAX_JSON_NESTING,
    BadRequestError,
    parse_graphql_request,
)

pytestmark = pytest.mark.unit

TOO_DEEP = f"Request body nests more than {MAX_JSON_NESTING} levels of arrays and objects"


def body_nesting(levels: int) -> bytes:
    """A request whose whole body nests `levels` deep (the body object is the first level)."""
    value = "[" * (levels - 2) + "]" * (levels - 2)
    return b'{"query": "q", "variables": {"a": ' + value.encode() + b"}}"


def test_the_maximum_nesting_is_accepted() -> None:
    assert parse_graphql_request(body_nesting(MAX_JSON_NESTING)).query == "q"


@pytest.mark.parametrize("levels", [MAX_JSON_NESTING + 1, 5_000, 500_000])
def test_deeper_nesting_is_a_bad_request(levels: int) -> None:
    with pytest.raises(BadRequestError, match="nests more than"):
        parse_graphql_request(body_nesting(levels))


def test_wide_but_shallow_values_are_accepted() -> None:
    body = json.dumps({"query": "q", "variables": {"a": [[i] for i in range(100_000)]}})

    assert len(parse_graphql_request(body.encode()).variables["a"]) == 100_000


def test_the_message_names_the_limit() -> None:
    with pytest.raises(BadRequestError) as raised:
        parse_graphql_request(body_nesting(MAX_JSON_NESTING + 1))

    assert str(raised.value) == TOO_DEEP

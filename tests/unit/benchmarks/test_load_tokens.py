"""The load client's bearer tokens: one per connection, taken in turn when there are fewer."""

import pytest

from benchmarks.load import request_headers

pytestmark = pytest.mark.unit


def test_each_connection_sends_its_own_token() -> None:
    tokens = ["t0", "t1", "t2"]

    headers = [request_headers(tokens, n) for n in range(4)]

    assert [h["Authorization"] for h in headers] == [
        "Bearer t0",
        "Bearer t1",
        "Bearer t2",
        "Bearer t0",
    ]
    assert all(h["Content-Type"] == "application/json" for h in headers)


def test_without_tokens_no_authorization_header_is_sent() -> None:
    assert request_headers([], 0) == {"Content-Type": "application/json"}

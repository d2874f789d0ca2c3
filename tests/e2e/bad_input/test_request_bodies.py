"""Bodies that are not GraphQL requests, sent to both APIs: bytes, broken JSON, wrong types.

SPEC §5 says which are a BAD_REQUEST (HTTP 400); every other body reaches GraphQL (HTTP 200).
"""

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infrastructure.graphql_http.request_parsing import MAX_JSON_NESTING
from tests.e2e.bad_input.answers import send_body
from tests.e2e.bad_input.hostile_values import hostile_texts, json_values
from tests.e2e.bad_input.served_stack import ServedApis, Stores
from tests.e2e.bad_input.suite import SUITE

pytestmark = pytest.mark.e2e

READ_ONLY_QUERIES = ("{ __typename }", "query Q { __typename }", "query($a: Int) { __typename }")
REQUEST_KEYS = ("query", "variables", "operationName", "extensions")
JSON_TYPES = (
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/json; charset=latin-1",
)
OTHER_TYPES = (
    "text/plain",
    "application/graphql",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonp",
    "",
)

_request_values = {
    "query": st.one_of(st.sampled_from(READ_ONLY_QUERIES), hostile_texts, json_values),
    "variables": st.one_of(st.dictionaries(st.text(max_size=5), json_values), json_values),
    "operationName": st.one_of(st.sampled_from(["Q", "Other"]), json_values),
    "extensions": json_values,
}

payloads = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={key: _request_values[key] for key in REQUEST_KEYS}
        | {"other": json_values, "QUERY": json_values},
    ),
)


def expected_status(payload: Any) -> int:
    """400 for what SPEC §5 calls a BAD_REQUEST, else 200 (the GraphQL answer may be an error)."""
    if not isinstance(payload, dict):
        return 400
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        return 400
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return 400
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return 400
    return 200


@settings(SUITE, max_examples=300)
@given(payloads, st.sampled_from(JSON_TYPES))
async def test_a_json_body_is_answered_as_spec_5_says(
    served_apis: ServedApis, stores: Stores, payload: Any, content_type: str
) -> None:
    before = await stores.state()
    body = json.dumps(payload, ensure_ascii=True).encode("ascii")

    for client in (served_apis.command, served_apis.query):
        answer = await send_body(client, body, content_type)

        assert answer.status == expected_status(payload), answer
        assert await stores.state() == before


@st.composite
def broken_bodies(draw: st.DrawFn) -> bytes:
    """Bytes, or a valid request body that was cut, spliced, re-encoded or padded."""
    valid = json.dumps({"query": draw(st.sampled_from(READ_ONLY_QUERIES))}).encode()
    kind = draw(st.sampled_from(["bytes", "cut", "splice", "encoding", "nesting", "padding"]))
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    if kind == "cut":
        return valid[: draw(st.integers(0, len(valid) - 1))]
    if kind == "splice":
        at = draw(st.integers(0, len(valid)))
        return valid[:at] + draw(st.binary(min_size=1, max_size=8)) + valid[at:]
    if kind == "encoding":
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "utf-8-sig"]))
        text = valid.decode().replace(
            "__typename", draw(st.sampled_from(["é", "山", "__typename"]))
        )
        return text.encode(codec, errors="replace")
    if kind == "nesting":
        depth = draw(st.integers(MAX_JSON_NESTING - 2, 3000))
        return (
            b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * depth + b"]" * depth + b"}}"
        )
    padding = draw(st.sampled_from([b" ", b"\n", b"\x00", b"\xef\xbb\xbf", b"{}", b"\xff"]))
    return padding + valid if draw(st.booleans()) else valid + padding


@settings(SUITE, max_examples=300)
@given(broken_bodies(), st.sampled_from(JSON_TYPES + OTHER_TYPES))
async def test_a_body_that_is_not_a_request_is_a_bad_request(
    served_apis: ServedApis, stores: Stores, body: bytes, content_type: str
) -> None:
    before = await stores.state()
    expected = 200 if content_type in JSON_TYPES and _is_request(body) else 400

    for client in (served_apis.command, served_apis.query):
        answer = await send_body(client, body, content_type)

        assert answer.status == expected, (body[:100], answer)
        if expected == 400:
            assert answer.codes == ["BAD_REQUEST"]
        assert await stores.state() == before


def _is_request(body: bytes) -> bool:
    try:
        payload = json.loads(body.decode("utf-8"))
    except RecursionError:
        return False  # nests deeper than the standard library can decode
    except ValueError:
        return False
    return expected_status(payload) == 200 and _nesting(payload) <= MAX_JSON_NESTING


def _nesting(value: Any) -> int:
    """How deep arrays and objects nest in `value` (without recursion: it may be very deep)."""
    deepest = 0
    pending = [(value, 0)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict | list):
            deepest = max(deepest, depth + 1)
            children = current.values() if isinstance(current, dict) else current
            pending.extend((child, depth + 1) for child in children)
    return deepest

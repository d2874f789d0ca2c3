"""A request's trace context: a caller's valid traceparent continued with a span id of the
request's own, anything else a new trace."""

import re

import pytest

from infrastructure.tracing.trace_context import (
    RequestTrace,
    continued,
    span_context_of,
    traceparent_of,
)
from tests.support.spans import CALLER_SPAN_ID, CALLER_TRACE_ID, CALLER_TRACEPARENT

pytestmark = pytest.mark.unit

TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")

INVALID = [
    "",
    "garbage",
    # All-zero trace id, all-zero span id: invalid by the W3C specification.
    "00-00000000000000000000000000000000-b7ad6b7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
    # Version ff is forbidden; upper case is not the format; a field too short.
    "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01",
]


def fields(traceparent: str) -> tuple[str, str, str]:
    match = TRACEPARENT.fullmatch(traceparent)
    assert match is not None, traceparent
    trace_id, span_id, flags = match.groups()
    return trace_id, span_id, flags


def test_a_valid_traceparent_is_continued_with_a_new_span_id() -> None:
    trace_id, span_id, flags = fields(RequestTrace("cid", CALLER_TRACEPARENT).traceparent)

    assert int(trace_id, 16) == CALLER_TRACE_ID
    assert int(span_id, 16) != CALLER_SPAN_ID
    assert flags == "01"


def test_the_callers_flags_are_kept() -> None:
    unsampled = CALLER_TRACEPARENT[:-2] + "00"

    assert fields(RequestTrace("cid", unsampled).traceparent)[2] == "00"


@pytest.mark.parametrize("incoming", [None, *INVALID])
def test_a_missing_or_invalid_traceparent_starts_a_new_trace(incoming: str | None) -> None:
    first = fields(RequestTrace("cid", incoming).traceparent)
    second = fields(RequestTrace("cid", incoming).traceparent)

    assert span_context_of(incoming) is None
    assert first[0] != second[0]
    assert int(first[0], 16) != CALLER_TRACE_ID
    assert int(first[0], 16)
    assert int(first[1], 16)


def test_a_request_keeps_one_traceparent() -> None:
    trace = RequestTrace("cid", CALLER_TRACEPARENT)

    assert trace.traceparent == trace.traceparent
    assert trace.correlation_id == "cid"


def test_two_requests_of_one_caller_span_get_spans_of_their_own() -> None:
    first = RequestTrace("a", CALLER_TRACEPARENT).traceparent
    second = RequestTrace("b", CALLER_TRACEPARENT).traceparent

    assert fields(first)[0] == fields(second)[0]
    assert fields(first)[1] != fields(second)[1]


def test_the_span_of_a_recorded_request_is_the_traceparent() -> None:
    span_context = continued(CALLER_TRACEPARENT)

    trace = RequestTrace("cid", CALLER_TRACEPARENT, span_context)

    assert trace.traceparent == traceparent_of(span_context)
    assert span_context_of(trace.traceparent) is not None


def test_parsing_and_formatting_round_trip() -> None:
    parsed = span_context_of(CALLER_TRACEPARENT)

    assert parsed is not None
    assert (parsed.trace_id, parsed.span_id) == (CALLER_TRACE_ID, CALLER_SPAN_ID)
    assert traceparent_of(parsed) == CALLER_TRACEPARENT

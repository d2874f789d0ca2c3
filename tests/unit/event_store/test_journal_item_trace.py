"""Journal items carry the trace context of the request that wrote them, as plain strings
outside the payload; items with or without it decode alike."""

import base64

import pytest
from hypothesis import given

from domain.user_account import UserAccountEvent
from infrastructure.tracing.trace_context import RequestTrace
from interface_adapter.event_store.journal_item import from_journal_item, to_journal_item
from tests.support.spans import CALLER_TRACEPARENT
from tests.support.strategies import data_keys, events

pytestmark = pytest.mark.unit


@given(events, data_keys)
def test_an_item_carries_the_requests_correlation_id_and_traceparent(
    event: UserAccountEvent, key: bytes
) -> None:
    trace = RequestTrace("cid-1", CALLER_TRACEPARENT)

    item = to_journal_item(event, key, trace)

    assert item["correlation_id"] == {"S": "cid-1"}
    assert item["traceparent"] == {"S": trace.traceparent}
    assert from_journal_item(item, key) == event
    without = to_journal_item(event, key)
    assert set(item) - set(without) == {"correlation_id", "traceparent"}


@given(events, data_keys)
def test_an_item_written_outside_a_request_carries_neither(
    event: UserAccountEvent, key: bytes
) -> None:
    item = to_journal_item(event, key)

    assert "correlation_id" not in item
    assert "traceparent" not in item
    assert from_journal_item(item, key) == event


@given(events, data_keys)
def test_a_lambda_new_image_with_trace_attributes_decodes(
    event: UserAccountEvent, key: bytes
) -> None:
    item = to_journal_item(event, key, RequestTrace("cid-2", None))
    new_image = {**item, "payload": {"B": base64.b64encode(item["payload"]["B"]).decode()}}

    assert from_journal_item(new_image, key) == event

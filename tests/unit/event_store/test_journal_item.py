"""Journal items: the documented attributes, and decoding from the SDK and the Lambda shapes."""

import base64
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given

from domain.user_account import UserAccountEvent, UserAccountState
from interface_adapter.event_store.journal_item import (
    from_journal_item,
    iso_utc,
    to_journal_item,
)
from interface_adapter.event_store.snapshot_item import from_snapshot_item, to_snapshot_item
from interface_adapter.serialization.errors import UnknownEventTypeError
from interface_adapter.serialization.event_types import event_type_version
from interface_adapter.serialization.generated.user_account import events_pb2 as pb
from tests.support.strategies import data_keys, events, states

pytestmark = pytest.mark.unit

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


@given(events, data_keys)
def test_round_trip_through_an_sdk_item(event: UserAccountEvent, key: bytes) -> None:
    assert from_journal_item(to_journal_item(event, key), key) == event


@given(events, data_keys)
def test_round_trip_through_a_lambda_stream_new_image(event: UserAccountEvent, key: bytes) -> None:
    item = to_journal_item(event, key)
    # The Lambda event is JSON: binary values arrive as base64 text.
    new_image = {**item, "payload": {"B": base64.b64encode(item["payload"]["B"]).decode()}}
    assert from_journal_item(new_image, key) == event


@given(events, data_keys)
def test_items_carry_the_documented_attributes(event: UserAccountEvent, key: bytes) -> None:
    item = to_journal_item(event, key)
    assert item["pkey"] == {"S": f"UserAccount-{event.aggregate_id.value}"}
    assert item["skey"] == {"N": str(event.seq_nr)}
    assert item["aggregate_id"] == {"S": event.aggregate_id.value}
    assert item["event_id"] == {"S": event.event_id}
    assert item["event_type"]["S"].startswith("UserAccountEvent.")
    assert item["event_version"] == {"S": event_type_version(event)}
    occurred_at = item["occurred_at"]["S"]
    assert ISO_UTC.fullmatch(occurred_at)
    assert datetime.fromisoformat(occurred_at) == event.occurred_at
    # Besides the payload, every attribute is a string: none of them holds personal data.
    assert set(item) == {
        "pkey",
        "skey",
        "aggregate_id",
        "event_id",
        "event_type",
        "event_version",
        "occurred_at",
        "payload",
    }


def test_iso_utc_always_has_six_fraction_digits() -> None:
    assert iso_utc(datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)) == "2026-11-26T03:04:05.000000Z"


def test_an_item_of_an_unknown_event_type_is_refused() -> None:
    envelope = pb.UserAccountEvent_Envelope(
        event_type_name="UserAccountEvent.Created", event_type_version="V9"
    )
    item = {"skey": {"N": "1"}, "payload": {"B": envelope.SerializeToString()}}
    with pytest.raises(UnknownEventTypeError):
        from_journal_item(item, bytes(32))


@given(states, data_keys)
def test_snapshot_items_round_trip(state: UserAccountState, key: bytes) -> None:
    item = to_snapshot_item(state, key)
    assert item["pkey"] == {"S": f"UserAccount-{state.id.value}"}
    assert item["seq_nr"] == {"N": str(state.version)}
    assert from_snapshot_item(item, key) == state

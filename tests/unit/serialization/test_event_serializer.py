"""Event envelopes: round trips, field numbers of the original schema, unknown types refused."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
)
from interface_adapter.serialization.errors import DeserializationError, UnknownEventTypeError
from interface_adapter.serialization.event_serializer import (
    CREATED,
    DELETED,
    RENAMED,
    deserialize_event,
    event_type_name,
    serialize_event,
)
from interface_adapter.serialization.generated.user_account import events_pb2 as pb
from tests.support.strategies import created_events, deleted_events, events, owners, seq_nrs

pytestmark = pytest.mark.unit

# Every datetime Python and google.protobuf.Timestamp can both hold, at any UTC offset.
offsets = st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)).map(
    lambda offset: timezone(offset)
)
any_times = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=offsets
)


@given(events, seq_nrs)
def test_round_trip_is_the_identity(event: UserAccountEvent, seq_nr: int) -> None:
    event = replace(event, seq_nr=seq_nr)
    assert deserialize_event(serialize_event(event), seq_nr) == event


@given(created_events, owners)
def test_the_owner_round_trips_none_included(event: UserAccountCreated, owner: str | None) -> None:
    event = replace(event, owner=owner)
    decoded = deserialize_event(serialize_event(event), event.seq_nr)
    assert isinstance(decoded, UserAccountCreated)
    assert decoded.owner == owner
    payload = pb.UserAccountEvent_Created_V1.FromString(
        pb.UserAccountEvent_Envelope.FromString(serialize_event(event)).payload
    )
    assert payload.owner == (owner or "")


# A Created V1 envelope as this service wrote it before owners were recorded (no field 6).
_CREATED_BEFORE_OWNERS = bytes.fromhex(
    "0a1a30314b42303030303030303030303030303030303030303030301a18557365724163636f756e"
    "744576656e742e43726561746564220256312a670a1a30314b423030303030303030303030303030"
    "3030303030303031121a30314b42303030303030303030303030303030303030303030301a0e0a04"
    "5461726f120659616d61646122107461726f406578616d706c652e636f6d2a0b08a5c39ed8061080"
    "94ef3a9a060b08a5c39ed806108094ef3a"
)


def test_a_created_v1_recorded_before_owners_decodes_with_no_owner() -> None:
    at = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
    assert deserialize_event(_CREATED_BEFORE_OWNERS, 1) == UserAccountCreated(
        event_id="01KB0000000000000000000001",
        aggregate_id=UserAccountId("01KB0000000000000000000000"),
        seq_nr=1,
        occurred_at=at,
        name=UserAccountName("Taro", "Yamada"),
        email_address=EmailAddress("taro@example.com"),
        owner=None,
    )


def test_a_created_without_owner_is_written_as_before_owners() -> None:
    # Byte for byte: a reader that predates owners reads what AUTH_MODE=off writes unchanged.
    event = deserialize_event(_CREATED_BEFORE_OWNERS, 1)
    assert serialize_event(event) == _CREATED_BEFORE_OWNERS


@given(deleted_events, any_times)
def test_times_keep_every_microsecond_and_come_back_in_utc(
    event: UserAccountDeleted, moment: datetime
) -> None:
    decoded = deserialize_event(serialize_event(replace(event, occurred_at=moment)), event.seq_nr)
    assert decoded.occurred_at == moment
    assert decoded.occurred_at.utcoffset() == timedelta(0)
    assert decoded.occurred_at.microsecond == moment.astimezone(UTC).microsecond


@given(events)
def test_the_envelope_names_type_version_and_time(event: UserAccountEvent) -> None:
    envelope = pb.UserAccountEvent_Envelope.FromString(serialize_event(event))
    assert envelope.user_account_id == event.aggregate_id.value
    assert envelope.event_type_name == event_type_name(event)
    assert envelope.event_type_version == "V1"
    assert envelope.occurred_at.ToDatetime(tzinfo=UTC) == event.occurred_at


def test_type_names_are_those_of_the_original_service() -> None:
    assert (CREATED, RENAMED, DELETED) == (
        "UserAccountEvent.Created",
        "UserAccountEvent.Renamed",
        "UserAccountEvent.Deleted",
    )


@pytest.mark.parametrize(
    ("message", "fields"),
    [
        (
            pb.UserAccountEvent_Envelope,
            {
                "user_account_id": 1,
                "event_type_name": 3,
                "event_type_version": 4,
                "payload": 5,
                "occurred_at": 99,
            },
        ),
        (
            pb.UserAccountEvent_Created_V1,
            {
                "event_id": 1,
                "user_account_id": 2,
                "user_name": 3,
                "email_address": 4,
                "occurred_at": 5,
                "owner": 6,  # ours, added to V1 (compatible: older messages have no owner)
            },
        ),
        (
            pb.UserAccountEvent_Renamed_V1,
            {"event_id": 1, "user_account_id": 2, "old_name": 3, "new_name": 4, "occurred_at": 5},
        ),
        (pb.UserAccountEvent_Deleted_V1, {"event_id": 1, "user_account_id": 2, "occurred_at": 3}),
        (pb.UserAccountName, {"first_name": 1, "last_name": 2}),
    ],
)
def test_field_numbers_match_the_original_schema(
    message: type[Message], fields: dict[str, int]
) -> None:
    assert {field.name: field.number for field in message.DESCRIPTOR.fields} == fields


@pytest.mark.parametrize("kind", [(CREATED, "V2"), (RENAMED, "V0"), (DELETED, "")])
def test_an_unknown_version_is_refused(kind: tuple[str, str]) -> None:
    envelope = pb.UserAccountEvent_Envelope(event_type_name=kind[0], event_type_version=kind[1])
    with pytest.raises(UnknownEventTypeError) as raised:
        deserialize_event(envelope.SerializeToString(), 1)
    assert (raised.value.type_name, raised.value.version) == kind
    assert kind[1] in str(raised.value)


def test_an_unknown_type_is_refused() -> None:
    envelope = pb.UserAccountEvent_Envelope(
        event_type_name="UserAccountEvent.Suspended", event_type_version="V1"
    )
    with pytest.raises(UnknownEventTypeError, match=r"UserAccountEvent\.Suspended"):
        deserialize_event(envelope.SerializeToString(), 1)


def test_bytes_that_are_no_envelope_are_refused() -> None:
    with pytest.raises(DeserializationError):
        deserialize_event(b"\xff\xff\xff\xff", 1)


def test_a_payload_without_its_time_is_refused() -> None:
    payload = pb.UserAccountEvent_Deleted_V1(event_id="E", user_account_id="A")
    envelope = pb.UserAccountEvent_Envelope(
        event_type_name=DELETED, event_type_version="V1", payload=payload.SerializeToString()
    )
    with pytest.raises(DeserializationError, match="occurred_at"):
        deserialize_event(envelope.SerializeToString(), 1)

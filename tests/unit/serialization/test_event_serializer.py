"""Event envelopes: round trips under a data key, field numbers of the original schema, the V2
messages sealed, unknown types refused."""

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
    UserAccountRenamed,
)
from interface_adapter.serialization.errors import DeserializationError, UnknownEventTypeError
from interface_adapter.serialization.event_serializer import serialize_event
from interface_adapter.serialization.event_types import (
    CREATED,
    DELETED,
    ERASED,
    RENAMED,
    carries_personal_data,
    event_type_name,
    event_type_version,
)
from interface_adapter.serialization.generated.user_account import events_pb2 as pb
from interface_adapter.serialization.upcasters import deserialize_event
from tests.support.strategies import (
    created_events,
    data_keys,
    deleted_events,
    events,
    owners,
    renamed_events,
    seq_nrs,
)
from tests.support.v1_writer import v1_envelope
from use_case.ports import ErasedPersonalData

pytestmark = pytest.mark.unit

KEY = bytes(range(32))

# Every datetime Python and google.protobuf.Timestamp can both hold, at any UTC offset.
offsets = st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)).map(
    lambda offset: timezone(offset)
)
any_times = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=offsets
)


@given(events, seq_nrs, data_keys)
def test_round_trip_is_the_identity(event: UserAccountEvent, seq_nr: int, key: bytes) -> None:
    event = replace(event, seq_nr=seq_nr)
    assert deserialize_event(serialize_event(event, key), seq_nr, key) == event


@given(created_events, owners)
def test_the_owner_round_trips_none_included(event: UserAccountCreated, owner: str | None) -> None:
    event = replace(event, owner=owner)
    decoded = deserialize_event(serialize_event(event, KEY), event.seq_nr, KEY)
    assert isinstance(decoded, UserAccountCreated)
    assert decoded.owner == owner
    payload = pb.UserAccountEvent_Created_V2.FromString(
        pb.UserAccountEvent_Envelope.FromString(serialize_event(event, KEY)).payload
    )
    assert payload.owner == (owner or "")  # in clear: not personal data


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
    assert deserialize_event(_CREATED_BEFORE_OWNERS, 1, None) == UserAccountCreated(
        event_id="01KB0000000000000000000001",
        aggregate_id=UserAccountId("01KB0000000000000000000000"),
        seq_nr=1,
        occurred_at=at,
        name=UserAccountName("Taro", "Yamada"),
        email_address=EmailAddress("taro@example.com"),
        owner=None,
    )


def test_the_v1_writer_kept_for_the_tests_writes_what_was_recorded() -> None:
    # Byte for byte: the tests' V1 writer is the previous version's (new writes are V2).
    event = deserialize_event(_CREATED_BEFORE_OWNERS, 1, None)
    assert isinstance(event, UserAccountCreated)
    assert v1_envelope(event) == _CREATED_BEFORE_OWNERS


@given(st.one_of(created_events, renamed_events, deleted_events), seq_nrs)
def test_every_v1_event_still_decodes_without_a_key(event: UserAccountEvent, seq_nr: int) -> None:
    assert isinstance(event, UserAccountCreated | UserAccountRenamed | UserAccountDeleted)
    event = replace(event, seq_nr=seq_nr)
    assert deserialize_event(v1_envelope(event), seq_nr, None) == event


@given(deleted_events, any_times)
def test_times_keep_every_microsecond_and_come_back_in_utc(
    event: UserAccountDeleted, moment: datetime
) -> None:
    decoded = deserialize_event(
        serialize_event(replace(event, occurred_at=moment), None), event.seq_nr, None
    )
    assert decoded.occurred_at == moment
    assert decoded.occurred_at.utcoffset() == timedelta(0)
    assert decoded.occurred_at.microsecond == moment.astimezone(UTC).microsecond


@given(events)
def test_the_envelope_names_type_version_and_time(event: UserAccountEvent) -> None:
    envelope = pb.UserAccountEvent_Envelope.FromString(serialize_event(event, KEY))
    assert envelope.user_account_id == event.aggregate_id.value
    assert envelope.event_type_name == event_type_name(event)
    assert envelope.event_type_version == event_type_version(event)
    expected = "V2" if isinstance(event, UserAccountCreated | UserAccountRenamed) else "V1"
    assert envelope.event_type_version == expected
    assert envelope.occurred_at.ToDatetime(tzinfo=UTC) == event.occurred_at


def test_type_names_are_those_of_the_original_service() -> None:
    assert (CREATED, RENAMED, DELETED, ERASED) == (
        "UserAccountEvent.Created",
        "UserAccountEvent.Renamed",
        "UserAccountEvent.Deleted",
        "UserAccountEvent.Erased",
    )


# Long, unlikely texts: found in the bytes only if written in clear.
_MARKED = UserAccountCreated(
    "01KB0000000000000000000001",
    UserAccountId("01KB0000000000000000000000"),
    1,
    datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC),
    UserAccountName("Firstmarker7Q2", "山田Lastmarker9Z"),
    EmailAddress("mailmarker4K@example.com"),
    "auth0|owner",
)
_MARKED_RENAME = UserAccountRenamed(
    "01KB0000000000000000000002",
    _MARKED.aggregate_id,
    2,
    _MARKED.occurred_at,
    _MARKED.name,
    UserAccountName("Newfirstmarker", "Newlastmarker"),
)
_MARKERS = ["Firstmarker7Q2", "Lastmarker9Z", "mailmarker4K", "Newfirstmarker", "Newlastmarker"]


@pytest.mark.parametrize("event", [_MARKED, _MARKED_RENAME], ids=["created", "renamed"])
def test_personal_data_is_never_written_in_clear(event: UserAccountEvent) -> None:
    written = serialize_event(event, KEY)
    for marker in _MARKERS:
        assert marker.encode() not in written
    assert deserialize_event(written, event.seq_nr, KEY) == event


def test_each_value_is_sealed_with_a_fresh_nonce() -> None:
    same = replace(_MARKED, name=UserAccountName("Same", "Same"))
    payload = pb.UserAccountEvent_Created_V2.FromString(
        pb.UserAccountEvent_Envelope.FromString(serialize_event(same, KEY)).payload
    )
    assert payload.first_name != payload.last_name
    assert payload.first_name[:12] != payload.last_name[:12]
    assert serialize_event(same, KEY) != serialize_event(same, KEY)


def test_a_sealed_value_is_nonce_ciphertext_and_tag() -> None:
    payload = pb.UserAccountEvent_Created_V2.FromString(
        pb.UserAccountEvent_Envelope.FromString(serialize_event(_MARKED, KEY)).payload
    )
    assert len(payload.first_name) == 12 + len(b"Firstmarker7Q2") + 16


def test_another_key_opens_nothing() -> None:
    with pytest.raises(DeserializationError, match=r"first_name of account \w+ does not decrypt"):
        deserialize_event(serialize_event(_MARKED, KEY), 1, bytes(32))


def _with_payload(event: UserAccountEvent, change: dict[str, object]) -> bytes:
    envelope = pb.UserAccountEvent_Envelope.FromString(serialize_event(event, KEY))
    message = pb.UserAccountEvent_Created_V2.FromString(envelope.payload)
    for name, value in change.items():
        setattr(message, name, value)
    envelope.payload = message.SerializeToString()
    return envelope.SerializeToString()


def _sealed_fields() -> pb.UserAccountEvent_Created_V2:
    envelope = pb.UserAccountEvent_Envelope.FromString(serialize_event(_MARKED, KEY))
    return pb.UserAccountEvent_Created_V2.FromString(envelope.payload)


def test_a_value_moved_to_another_field_does_not_open() -> None:
    moved = _with_payload(_MARKED, {"first_name": _sealed_fields().last_name})
    with pytest.raises(DeserializationError, match="first_name"):
        deserialize_event(moved, 1, KEY)


def test_a_value_moved_to_another_account_does_not_open() -> None:
    moved = _with_payload(_MARKED, {"user_account_id": "01KB0000000000000000000009"})
    with pytest.raises(DeserializationError, match="does not decrypt"):
        deserialize_event(moved, 1, KEY)


def test_a_truncated_value_is_refused() -> None:
    with pytest.raises(DeserializationError, match=r"email_address of account \w+ does not"):
        deserialize_event(_with_payload(_MARKED, {"email_address": b"short"}), 1, KEY)


@given(st.one_of(created_events, renamed_events), seq_nrs)
def test_without_its_key_a_v2_event_decodes_to_erased_personal_data(
    event: UserAccountEvent, seq_nr: int
) -> None:
    decoded = deserialize_event(serialize_event(event, KEY), seq_nr, None)
    assert decoded == ErasedPersonalData(
        event.event_id, event.aggregate_id, seq_nr, event.occurred_at
    )


@pytest.mark.parametrize("event", [_MARKED, _MARKED_RENAME], ids=["created", "renamed"])
def test_an_event_with_personal_data_is_not_written_without_a_key(event: UserAccountEvent) -> None:
    assert carries_personal_data(event)
    with pytest.raises(ValueError, match="needs a data key"):
        serialize_event(event, None)


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
        (
            pb.UserAccountEvent_Created_V2,
            {
                "event_id": 1,
                "user_account_id": 2,
                "first_name": 3,
                "last_name": 4,
                "email_address": 5,
                "occurred_at": 6,
                "owner": 7,
            },
        ),
        (
            pb.UserAccountEvent_Renamed_V2,
            {
                "event_id": 1,
                "user_account_id": 2,
                "old_first_name": 3,
                "old_last_name": 4,
                "new_first_name": 5,
                "new_last_name": 6,
                "occurred_at": 7,
            },
        ),
        (pb.UserAccountEvent_Erased_V1, {"event_id": 1, "user_account_id": 2, "occurred_at": 3}),
    ],
)
def test_field_numbers_match_the_original_schema(
    message: type[Message], fields: dict[str, int]
) -> None:
    assert {field.name: field.number for field in message.DESCRIPTOR.fields} == fields


@pytest.mark.parametrize(
    "kind", [(CREATED, "V3"), (RENAMED, "V0"), (DELETED, ""), (DELETED, "V2"), (ERASED, "V2")]
)
def test_an_unknown_version_is_refused(kind: tuple[str, str]) -> None:
    envelope = pb.UserAccountEvent_Envelope(event_type_name=kind[0], event_type_version=kind[1])
    with pytest.raises(UnknownEventTypeError) as raised:
        deserialize_event(envelope.SerializeToString(), 1, KEY)
    assert (raised.value.type_name, raised.value.version) == kind
    assert kind[1] in str(raised.value)


def test_an_unknown_type_is_refused() -> None:
    envelope = pb.UserAccountEvent_Envelope(
        event_type_name="UserAccountEvent.Suspended", event_type_version="V1"
    )
    with pytest.raises(UnknownEventTypeError, match=r"UserAccountEvent\.Suspended"):
        deserialize_event(envelope.SerializeToString(), 1, KEY)


def test_bytes_that_are_no_envelope_are_refused() -> None:
    with pytest.raises(DeserializationError):
        deserialize_event(b"\xff\xff\xff\xff", 1, KEY)


def test_a_payload_without_its_time_is_refused() -> None:
    payload = pb.UserAccountEvent_Deleted_V1(event_id="E", user_account_id="A")
    envelope = pb.UserAccountEvent_Envelope(
        event_type_name=DELETED, event_type_version="V1", payload=payload.SerializeToString()
    )
    with pytest.raises(DeserializationError, match="occurred_at"):
        deserialize_event(envelope.SerializeToString(), 1, KEY)

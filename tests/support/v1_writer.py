"""The previous version's writer (V1: personal data in clear), kept for the tests: journal items
and snapshots as that version wrote them, for any event or state. Pinned byte for byte to the
items it recorded (tests/support/recorded_v1.py) by tests/unit/serialization/test_recorded_v1.py.
"""

from typing import Any

from domain.user_account import (
    UserAccount,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountEvent,
    UserAccountName,
    UserAccountRenamed,
)
from interface_adapter.event_store.journal_item import iso_utc, persistence_id
from interface_adapter.serialization.event_types import event_type_name
from interface_adapter.serialization.generated.user_account import events_pb2 as events_pb
from interface_adapter.serialization.generated.user_account import snapshot_pb2 as snapshot_pb
from interface_adapter.serialization.timestamps import to_timestamp

V1Event = UserAccountCreated | UserAccountRenamed | UserAccountDeleted


def v1_envelope(event: V1Event) -> bytes:
    """`event` as the previous version's serialize_event wrote it."""
    envelope = events_pb.UserAccountEvent_Envelope(
        user_account_id=event.aggregate_id.value,
        event_type_name=event_type_name(event),
        event_type_version="V1",
        payload=_payload_of(event).SerializeToString(),
        occurred_at=to_timestamp(event.occurred_at),
    )
    return envelope.SerializeToString()


def v1_journal_item(event: UserAccountEvent) -> dict[str, Any]:
    """The journal item the previous version's to_journal_item made of `event`."""
    assert isinstance(event, V1Event), f"{type(event).__name__} has no V1 of the previous version"
    return {
        "pkey": {"S": persistence_id(event.aggregate_id)},
        "skey": {"N": str(event.seq_nr)},
        "aggregate_id": {"S": event.aggregate_id.value},
        "event_id": {"S": event.event_id},
        "event_type": {"S": event_type_name(event)},
        "event_version": {"S": "V1"},
        "occurred_at": {"S": iso_utc(event.occurred_at)},
        "payload": {"B": v1_envelope(event)},
    }


def v1_snapshot(state: UserAccount) -> bytes:
    """The previous version's snapshot of a created (possibly deleted) account."""
    message = snapshot_pb.DeletedSnapshot() if state.deleted else snapshot_pb.CreatedSnapshot()
    message.user_account_id = state.id.value
    message.user_name.first_name = state.name.first_name
    message.user_name.last_name = state.name.last_name
    message.email_address = state.email_address.value
    message.created_at.CopyFrom(to_timestamp(state.created_at))
    message.updated_at.CopyFrom(to_timestamp(state.updated_at))
    message.version = state.version
    message.owner = state.owner or ""
    if state.deleted:
        return snapshot_pb.UserAccountSnapshot(deleted=message).SerializeToString()
    return snapshot_pb.UserAccountSnapshot(created=message).SerializeToString()


def _payload_of(
    event: V1Event,
) -> (
    events_pb.UserAccountEvent_Created_V1
    | events_pb.UserAccountEvent_Renamed_V1
    | events_pb.UserAccountEvent_Deleted_V1
):
    occurred_at = to_timestamp(event.occurred_at)
    match event:
        case UserAccountCreated():
            return events_pb.UserAccountEvent_Created_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                user_name=_name(event.name),
                email_address=event.email_address.value,
                occurred_at=occurred_at,
                owner=event.owner or "",
            )
        case UserAccountRenamed():
            return events_pb.UserAccountEvent_Renamed_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                old_name=_name(event.old_name),
                new_name=_name(event.new_name),
                occurred_at=occurred_at,
            )
        case UserAccountDeleted():
            return events_pb.UserAccountEvent_Deleted_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                occurred_at=occurred_at,
            )


def _name(name: UserAccountName) -> events_pb.UserAccountName:
    return events_pb.UserAccountName(first_name=name.first_name, last_name=name.last_name)

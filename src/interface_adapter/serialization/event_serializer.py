"""Domain events ⇄ protobuf envelopes: the bytes stored in the journal's `payload` attribute."""

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from interface_adapter.serialization.errors import UnknownEventTypeError
from interface_adapter.serialization.generated.user_account import events_pb2 as pb
from interface_adapter.serialization.messages import optional_text, parse, required_time
from interface_adapter.serialization.timestamps import to_timestamp

CREATED = "UserAccountEvent.Created"
RENAMED = "UserAccountEvent.Renamed"
DELETED = "UserAccountEvent.Deleted"
V1 = "V1"

PayloadMessage = (
    pb.UserAccountEvent_Created_V1 | pb.UserAccountEvent_Renamed_V1 | pb.UserAccountEvent_Deleted_V1
)


def event_type_name(event: UserAccountEvent) -> str:
    """The envelope's and the journal's `event_type` of `event`."""
    match event:
        case UserAccountCreated():
            return CREATED
        case UserAccountRenamed():
            return RENAMED
        case UserAccountDeleted():
            return DELETED


def event_type_version(event: UserAccountEvent) -> str:
    """The version of the message `event` is written as: every event is V1 so far."""
    return V1


def serialize_event(event: UserAccountEvent) -> bytes:
    """`event` as a serialized UserAccountEvent_Envelope (its sequence number is not included)."""
    occurred_at = to_timestamp(event.occurred_at)
    envelope = pb.UserAccountEvent_Envelope(
        user_account_id=event.aggregate_id.value,
        event_type_name=event_type_name(event),
        event_type_version=event_type_version(event),
        payload=_payload_of(event).SerializeToString(),
        occurred_at=occurred_at,
    )
    return envelope.SerializeToString()


def _payload_of(event: UserAccountEvent) -> PayloadMessage:
    occurred_at = to_timestamp(event.occurred_at)
    match event:
        case UserAccountCreated():
            return pb.UserAccountEvent_Created_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                user_name=_name_message(event.name),
                email_address=event.email_address.value,
                occurred_at=occurred_at,
                owner=event.owner or "",
            )
        case UserAccountRenamed():
            return pb.UserAccountEvent_Renamed_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                old_name=_name_message(event.old_name),
                new_name=_name_message(event.new_name),
                occurred_at=occurred_at,
            )
        case UserAccountDeleted():
            return pb.UserAccountEvent_Deleted_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                occurred_at=occurred_at,
            )


def deserialize_event(payload: bytes, seq_nr: int) -> UserAccountEvent:
    """The event in the envelope `payload`, numbered `seq_nr` (kept beside it, in the sort key).

    Raises UnknownEventTypeError for a type or version this code does not know, and
    DeserializationError for bytes that are not such an envelope.
    """
    envelope = parse(pb.UserAccountEvent_Envelope(), payload)
    kind = (envelope.event_type_name, envelope.event_type_version)
    if kind == (CREATED, V1):
        created = parse(pb.UserAccountEvent_Created_V1(), envelope.payload)
        return UserAccountCreated(
            event_id=created.event_id,
            aggregate_id=UserAccountId(created.user_account_id),
            seq_nr=seq_nr,
            occurred_at=required_time(created, "occurred_at"),
            name=_name(created.user_name),
            email_address=EmailAddress(created.email_address),
            # A V1 Created recorded before owners were has no field 6: no owner.
            owner=optional_text(created.owner),
        )
    if kind == (RENAMED, V1):
        renamed = parse(pb.UserAccountEvent_Renamed_V1(), envelope.payload)
        return UserAccountRenamed(
            event_id=renamed.event_id,
            aggregate_id=UserAccountId(renamed.user_account_id),
            seq_nr=seq_nr,
            occurred_at=required_time(renamed, "occurred_at"),
            old_name=_name(renamed.old_name),
            new_name=_name(renamed.new_name),
        )
    if kind == (DELETED, V1):
        deleted = parse(pb.UserAccountEvent_Deleted_V1(), envelope.payload)
        return UserAccountDeleted(
            event_id=deleted.event_id,
            aggregate_id=UserAccountId(deleted.user_account_id),
            seq_nr=seq_nr,
            occurred_at=required_time(deleted, "occurred_at"),
        )
    raise UnknownEventTypeError(*kind)


def _name_message(name: UserAccountName) -> pb.UserAccountName:
    return pb.UserAccountName(first_name=name.first_name, last_name=name.last_name)


def _name(message: pb.UserAccountName) -> UserAccountName:
    return UserAccountName(message.first_name, message.last_name)

"""Domain events → protobuf envelopes: the bytes stored in the journal's `payload` attribute.
Decoding them back is the upcaster chain's (upcasters.py)."""

from domain.user_account import (
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountEvent,
    UserAccountRenamed,
)
from interface_adapter.serialization.event_types import event_type_name, event_type_version
from interface_adapter.serialization.field_cipher import FieldCipher
from interface_adapter.serialization.generated.user_account import events_pb2 as pb
from interface_adapter.serialization.timestamps import to_timestamp

PayloadMessage = (
    pb.UserAccountEvent_Created_V2
    | pb.UserAccountEvent_Renamed_V2
    | pb.UserAccountEvent_Deleted_V1
    | pb.UserAccountEvent_Erased_V1
)


def serialize_event(event: UserAccountEvent, key: bytes | None) -> bytes:
    """`event` as a serialized UserAccountEvent_Envelope of its current version (its sequence
    number is not included), its personal data sealed under `key`, the account's data key.

    `key` may be None only for an event without personal data (event_types.carries_personal_data).
    """
    envelope = pb.UserAccountEvent_Envelope(
        user_account_id=event.aggregate_id.value,
        event_type_name=event_type_name(event),
        event_type_version=event_type_version(event),
        payload=_payload_of(event, key).SerializeToString(),
        occurred_at=to_timestamp(event.occurred_at),
    )
    return envelope.SerializeToString()


def _payload_of(event: UserAccountEvent, key: bytes | None) -> PayloadMessage:
    occurred_at = to_timestamp(event.occurred_at)
    match event:
        case UserAccountCreated():
            seal = _cipher(key, event).seal
            return pb.UserAccountEvent_Created_V2(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                first_name=seal("first_name", event.name.first_name),
                last_name=seal("last_name", event.name.last_name),
                email_address=seal("email_address", event.email_address.value),
                occurred_at=occurred_at,
                owner=event.owner or "",
            )
        case UserAccountRenamed():
            seal = _cipher(key, event).seal
            return pb.UserAccountEvent_Renamed_V2(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                old_first_name=seal("old_first_name", event.old_name.first_name),
                old_last_name=seal("old_last_name", event.old_name.last_name),
                new_first_name=seal("new_first_name", event.new_name.first_name),
                new_last_name=seal("new_last_name", event.new_name.last_name),
                occurred_at=occurred_at,
            )
        case UserAccountDeleted():
            return pb.UserAccountEvent_Deleted_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                occurred_at=occurred_at,
            )
        case UserAccountErased():
            return pb.UserAccountEvent_Erased_V1(
                event_id=event.event_id,
                user_account_id=event.aggregate_id.value,
                occurred_at=occurred_at,
            )


def _cipher(key: bytes | None, event: UserAccountCreated | UserAccountRenamed) -> FieldCipher:
    if key is None:
        raise ValueError(f"{type(event).__name__} carries personal data: it needs a data key")
    return FieldCipher(key, event.aggregate_id.value)

"""The one way stored events are decoded (SPEC §9.3): a table from (type, version) to the step that
brings the stored message to the current form, a domain event, or the ErasedPersonalData marker
when the account's data key is gone."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from interface_adapter.serialization.errors import UnknownEventTypeError
from interface_adapter.serialization.event_types import CREATED, DELETED, ERASED, RENAMED, V1, V2
from interface_adapter.serialization.field_cipher import FieldCipher
from interface_adapter.serialization.generated.user_account import events_pb2 as pb
from interface_adapter.serialization.messages import optional_text, parse, required_time
from use_case.ports import ErasedPersonalData, JournalEvent


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A journal payload whose envelope is read: which event, in which version, its message."""

    account_id: str
    type_name: str
    version: str
    seq_nr: int
    message: bytes

    @property
    def needs_key(self) -> bool:
        """Whether decoding it decrypts (a known version with personal data)."""
        upcaster = UPCASTERS.get((self.type_name, self.version))
        return upcaster is not None and upcaster.decrypts

    @property
    def is_erasure(self) -> bool:
        """An Erased event: the last of its history, whatever its version."""
        return self.type_name == ERASED


def read_stored_event(payload: bytes, seq_nr: int) -> StoredEvent:
    """The envelope `payload` of the event numbered `seq_nr`; DeserializationError when the
    bytes are no envelope. Nothing is decrypted yet."""
    envelope = parse(pb.UserAccountEvent_Envelope(), payload)
    return StoredEvent(
        envelope.user_account_id,
        envelope.event_type_name,
        envelope.event_type_version,
        seq_nr,
        envelope.payload,
    )


def upcast(stored: StoredEvent, key: bytes | None) -> JournalEvent:
    """`stored` in the current form; `key` is the account's data key, None when it has none.

    Raises UnknownEventTypeError for a type or version this code does not know (never skipped:
    a skipped event would rebuild a wrong state), DeserializationError for a broken message.
    """
    upcaster = UPCASTERS.get((stored.type_name, stored.version))
    if upcaster is None:
        raise UnknownEventTypeError(stored.type_name, stored.version)
    return upcaster.to_current(stored.message, stored.seq_nr, key)


def deserialize_event(payload: bytes, seq_nr: int, key: bytes | None) -> JournalEvent:
    """The event in the envelope `payload`, numbered `seq_nr` (kept beside it, in the sort key)."""
    return upcast(read_stored_event(payload, seq_nr), key)


# --- V1: personal data in clear, nothing to decrypt ---


def _created_v1(message: bytes, seq_nr: int, key: bytes | None) -> JournalEvent:
    created = parse(pb.UserAccountEvent_Created_V1(), message)
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


def _renamed_v1(message: bytes, seq_nr: int, key: bytes | None) -> JournalEvent:
    renamed = parse(pb.UserAccountEvent_Renamed_V1(), message)
    return UserAccountRenamed(
        event_id=renamed.event_id,
        aggregate_id=UserAccountId(renamed.user_account_id),
        seq_nr=seq_nr,
        occurred_at=required_time(renamed, "occurred_at"),
        old_name=_name(renamed.old_name),
        new_name=_name(renamed.new_name),
    )


def _deleted_v1(message: bytes, seq_nr: int, key: bytes | None) -> JournalEvent:
    deleted = parse(pb.UserAccountEvent_Deleted_V1(), message)
    return UserAccountDeleted(
        event_id=deleted.event_id,
        aggregate_id=UserAccountId(deleted.user_account_id),
        seq_nr=seq_nr,
        occurred_at=required_time(deleted, "occurred_at"),
    )


def _erased_v1(message: bytes, seq_nr: int, key: bytes | None) -> JournalEvent:
    erased = parse(pb.UserAccountEvent_Erased_V1(), message)
    return UserAccountErased(
        event_id=erased.event_id,
        aggregate_id=UserAccountId(erased.user_account_id),
        seq_nr=seq_nr,
        occurred_at=required_time(erased, "occurred_at"),
    )


def _name(message: pb.UserAccountName) -> UserAccountName:
    return UserAccountName(message.first_name, message.last_name)


# --- V2: personal data sealed under the account's data key ---


def _created_v2(message: bytes, seq_nr: int, key: bytes | None) -> JournalEvent:
    created = parse(pb.UserAccountEvent_Created_V2(), message)
    account_id = UserAccountId(created.user_account_id)
    occurred_at = required_time(created, "occurred_at")
    if key is None:
        return ErasedPersonalData(created.event_id, account_id, seq_nr, occurred_at)
    fields = FieldCipher(key, account_id.value)
    return UserAccountCreated(
        event_id=created.event_id,
        aggregate_id=account_id,
        seq_nr=seq_nr,
        occurred_at=occurred_at,
        name=UserAccountName(
            fields.open("first_name", created.first_name),
            fields.open("last_name", created.last_name),
        ),
        email_address=EmailAddress(fields.open("email_address", created.email_address)),
        owner=optional_text(created.owner),
    )


def _renamed_v2(message: bytes, seq_nr: int, key: bytes | None) -> JournalEvent:
    renamed = parse(pb.UserAccountEvent_Renamed_V2(), message)
    account_id = UserAccountId(renamed.user_account_id)
    occurred_at = required_time(renamed, "occurred_at")
    if key is None:
        return ErasedPersonalData(renamed.event_id, account_id, seq_nr, occurred_at)
    fields = FieldCipher(key, account_id.value)
    return UserAccountRenamed(
        event_id=renamed.event_id,
        aggregate_id=account_id,
        seq_nr=seq_nr,
        occurred_at=occurred_at,
        old_name=UserAccountName(
            fields.open("old_first_name", renamed.old_first_name),
            fields.open("old_last_name", renamed.old_last_name),
        ),
        new_name=UserAccountName(
            fields.open("new_first_name", renamed.new_first_name),
            fields.open("new_last_name", renamed.new_last_name),
        ),
    )


@dataclass(frozen=True, slots=True)
class Upcaster:
    """One step of the chain: a stored message (its bytes, sequence number, and the account's
    key or None) → the current form; `decrypts` says whether it needs the key."""

    to_current: Callable[[bytes, int, bytes | None], JournalEvent]
    decrypts: bool


# Every (type, version) ever written, each to the current form. A new version adds a row (and
# keeps the others: the journal keeps every version ever written); see README "Event versions".
UPCASTERS: Final[Mapping[tuple[str, str], Upcaster]] = {
    (CREATED, V1): Upcaster(_created_v1, decrypts=False),
    (CREATED, V2): Upcaster(_created_v2, decrypts=True),
    (RENAMED, V1): Upcaster(_renamed_v1, decrypts=False),
    (RENAMED, V2): Upcaster(_renamed_v2, decrypts=True),
    (DELETED, V1): Upcaster(_deleted_v1, decrypts=False),
    (ERASED, V1): Upcaster(_erased_v1, decrypts=False),
}

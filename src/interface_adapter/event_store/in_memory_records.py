"""Events as the in-memory journal keeps them: flat tuples of strings, bytes, ints and datetimes,
which the garbage collector does not track; personal data sealed as in the DynamoDB journal."""

from datetime import datetime
from typing import cast

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from interface_adapter.serialization.field_cipher import FieldCipher
from use_case.ports import ErasedPersonalData, JournalEvent

# (kind, event_id, aggregate_id, seq_nr, occurred_at, *what the kind adds)
EventRecord = tuple[str | bytes | int | datetime, ...]

# What a record holds, for reading it back.
_Fields = tuple[str, str, str, int, datetime, *tuple[bytes | str, ...]]

_CREATED, _RENAMED, _DELETED, _ERASED = "created", "renamed", "deleted", "erased"
_SEALED = frozenset({_CREATED, _RENAMED})


def event_record(event: UserAccountEvent, key: bytes | None) -> EventRecord:
    """The record of `event`: its kind and its fields' plain values, in one flat tuple, the
    personal data sealed under `key` (field names and associated data of the V2 messages).

    A tuple that holds only such values is not tracked by Python's garbage collector, where an event
    object (and its name, email and id objects) is: kept as objects, an in-memory journal of many
    accounts makes every full collection walk all of them, pauses that grow with the journal (how
    long: docs/performance.md). Records are made on append and turned back into events on load,
    which the aggregate cache makes rare.
    """
    added: tuple[bytes | str, ...]
    match event:
        case UserAccountCreated(name=name, email_address=email, owner=owner):
            seal = _cipher(key, event).seal
            # No owner is "", as in the protobuf message: the record stays a flat tuple.
            added = (
                seal("first_name", name.first_name),
                seal("last_name", name.last_name),
                seal("email_address", email.value),
                owner or "",
            )
            kind = _CREATED
        case UserAccountRenamed(old_name=old, new_name=new):
            seal = _cipher(key, event).seal
            added = (
                seal("old_first_name", old.first_name),
                seal("old_last_name", old.last_name),
                seal("new_first_name", new.first_name),
                seal("new_last_name", new.last_name),
            )
            kind = _RENAMED
        case UserAccountDeleted():
            added, kind = (), _DELETED
        case UserAccountErased():
            added, kind = (), _ERASED
    return (
        kind,
        event.event_id,
        event.aggregate_id.value,
        event.seq_nr,
        event.occurred_at,
        *added,
    )


def is_erasure_record(record: EventRecord) -> bool:
    return record[0] == _ERASED


def event_from_record(record: EventRecord, key: bytes | None) -> JournalEvent:
    """The event `event_record` made `record` of (records come from nowhere else), opened with
    `key`; ErasedPersonalData for one with personal data when `key` is None."""
    kind, event_id, aggregate_id, seq_nr, occurred_at, *added = cast(_Fields, record)
    account_id = UserAccountId(aggregate_id)
    if kind in _SEALED and key is None:
        return ErasedPersonalData(event_id, account_id, seq_nr, occurred_at)
    if kind == _CREATED:
        first, last, email, owner = cast(tuple[bytes, bytes, bytes, str], tuple(added))
        fields = FieldCipher(cast(bytes, key), aggregate_id)
        return UserAccountCreated(
            event_id,
            account_id,
            seq_nr,
            occurred_at,
            UserAccountName(fields.open("first_name", first), fields.open("last_name", last)),
            EmailAddress(fields.open("email_address", email)),
            owner or None,
        )
    if kind == _RENAMED:
        old_first, old_last, new_first, new_last = cast(tuple[bytes, ...], tuple(added))
        fields = FieldCipher(cast(bytes, key), aggregate_id)
        return UserAccountRenamed(
            event_id,
            account_id,
            seq_nr,
            occurred_at,
            UserAccountName(
                fields.open("old_first_name", old_first), fields.open("old_last_name", old_last)
            ),
            UserAccountName(
                fields.open("new_first_name", new_first), fields.open("new_last_name", new_last)
            ),
        )
    if kind == _ERASED:
        return UserAccountErased(event_id, account_id, seq_nr, occurred_at)
    return UserAccountDeleted(event_id, account_id, seq_nr, occurred_at)


def needs_key(record: EventRecord) -> bool:
    return record[0] in _SEALED


def _cipher(key: bytes | None, event: UserAccountCreated | UserAccountRenamed) -> FieldCipher:
    if key is None:
        raise ValueError(f"{type(event).__name__} carries personal data: it needs a data key")
    return FieldCipher(key, event.aggregate_id.value)

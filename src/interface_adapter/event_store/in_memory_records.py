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
# What a journal of the previous version holds (V1: personal data in clear); only tests put
# such records here, to prove an erasure seals them as it does in DynamoDB.
_CREATED_V1, _RENAMED_V1 = "created_v1", "renamed_v1"
_CLEAR = frozenset({_CREATED_V1, _RENAMED_V1})


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


def clear_record(event: UserAccountCreated | UserAccountRenamed) -> EventRecord:
    """The record of `event` as the previous version (V1) wrote it: its personal data in clear."""
    head = (event.event_id, event.aggregate_id.value, event.seq_nr, event.occurred_at)
    if isinstance(event, UserAccountCreated):
        name, email = event.name, event.email_address.value
        return (_CREATED_V1, *head, name.first_name, name.last_name, email, event.owner or "")
    old, new = event.old_name, event.new_name
    return (_RENAMED_V1, *head, old.first_name, old.last_name, new.first_name, new.last_name)


def is_clear_record(record: EventRecord) -> bool:
    return record[0] in _CLEAR


def sealed_record(record: EventRecord, key: bytes) -> EventRecord:
    """The clear `record` (see clear_record) written as today's: same event, sealed under `key`."""
    kind, event_id, aggregate_id, seq_nr, occurred_at, *added = cast(_Fields, record)
    account_id = UserAccountId(aggregate_id)
    return event_record(_clear_event(kind, event_id, account_id, seq_nr, occurred_at, added), key)


def is_erasure_record(record: EventRecord) -> bool:
    return record[0] == _ERASED


def event_from_record(record: EventRecord, key: bytes | None) -> JournalEvent:
    """The event `event_record` made `record` of (records come from nowhere else), opened with
    `key`; ErasedPersonalData for one with personal data when `key` is None."""
    kind, event_id, aggregate_id, seq_nr, occurred_at, *added = cast(_Fields, record)
    account_id = UserAccountId(aggregate_id)
    if kind in _CLEAR:
        return _clear_event(kind, event_id, account_id, seq_nr, occurred_at, added)
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


def _clear_event(
    kind: str,
    event_id: str,
    account_id: UserAccountId,
    seq_nr: int,
    occurred_at: datetime,
    added: list[bytes | str],
) -> UserAccountCreated | UserAccountRenamed:
    texts = cast(list[str], added)
    if kind == _CREATED_V1:
        first, last, email, owner = texts
        name = UserAccountName(first, last)
        return UserAccountCreated(
            event_id, account_id, seq_nr, occurred_at, name, EmailAddress(email), owner or None
        )
    old_first, old_last, new_first, new_last = texts
    old, new = UserAccountName(old_first, old_last), UserAccountName(new_first, new_last)
    return UserAccountRenamed(event_id, account_id, seq_nr, occurred_at, old, new)


def needs_key(record: EventRecord) -> bool:
    return record[0] in _SEALED


def _cipher(key: bytes | None, event: UserAccountCreated | UserAccountRenamed) -> FieldCipher:
    if key is None:
        raise ValueError(f"{type(event).__name__} carries personal data: it needs a data key")
    return FieldCipher(key, event.aggregate_id.value)

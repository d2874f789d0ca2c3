"""Events as the in-memory journal keeps them: flat tuples of strings, ints and datetimes, which
the garbage collector does not track."""

from datetime import datetime
from typing import cast

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)

# (kind, event_id, aggregate_id, seq_nr, occurred_at, *what the kind adds)
EventRecord = tuple[str | int | datetime, ...]

# What a record holds, for reading it back.
_Fields = tuple[str, str, str, int, datetime, *tuple[str, ...]]

_CREATED, _RENAMED, _DELETED = "created", "renamed", "deleted"


def event_record(event: UserAccountEvent) -> EventRecord:
    """The record of `event`: its kind and its fields' plain values, in one flat tuple.

    A tuple that holds only such values is not tracked by Python's garbage collector, where an event
    object (and its name, email and id objects) is: kept as objects, an in-memory journal of many
    accounts makes every full collection walk all of them, pauses that grow with the journal (how
    long: docs/performance.md). Records are made on append and turned back into events on load,
    which the aggregate cache makes rare.
    """
    match event:
        case UserAccountCreated(name=name, email_address=email, owner=owner):
            # No owner is "", as in the protobuf message: the record stays a tuple of strings.
            added: tuple[str, ...] = (name.first_name, name.last_name, email.value, owner or "")
            kind = _CREATED
        case UserAccountRenamed(old_name=old, new_name=new):
            added = (old.first_name, old.last_name, new.first_name, new.last_name)
            kind = _RENAMED
        case UserAccountDeleted():
            added = ()
            kind = _DELETED
    return (
        kind,
        event.event_id,
        event.aggregate_id.value,
        event.seq_nr,
        event.occurred_at,
        *added,
    )


def event_from_record(record: EventRecord) -> UserAccountEvent:
    """The event `event_record` made `record` of (records come from nowhere else)."""
    kind, event_id, aggregate_id, seq_nr, occurred_at, *added = cast(_Fields, record)
    strings: list[str] = added
    account_id = UserAccountId(aggregate_id)
    if kind == _CREATED:
        first, last, email, owner = strings
        return UserAccountCreated(
            event_id,
            account_id,
            seq_nr,
            occurred_at,
            UserAccountName(first, last),
            EmailAddress(email),
            owner or None,
        )
    if kind == _RENAMED:
        old_first, old_last, new_first, new_last = strings
        return UserAccountRenamed(
            event_id,
            account_id,
            seq_nr,
            occurred_at,
            UserAccountName(old_first, old_last),
            UserAccountName(new_first, new_last),
        )
    return UserAccountDeleted(event_id, account_id, seq_nr, occurred_at)

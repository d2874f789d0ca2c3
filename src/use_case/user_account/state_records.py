"""States as the aggregate cache keeps them: flat tuples of strings, ints, bools, datetimes and
None, which the garbage collector stops tracking, rebuilt into states on a hit."""

from datetime import datetime
from typing import Final, cast

from domain.user_account import (
    EmailAddress,
    ErasedUserAccount,
    NotCreated,
    UserAccount,
    UserAccountId,
    UserAccountName,
    UserAccountState,
)

# (version, kind, *what the kind adds); the id is the cache's key.
_AccountRecord = tuple[int, int, str, str, str, datetime, datetime, str | None, bool]
_ErasedRecord = tuple[int, int, datetime]
_NotCreatedRecord = tuple[int, int]
StateRecord = _AccountRecord | _ErasedRecord | _NotCreatedRecord

VERSION: Final = 0
_ACCOUNT, _ERASED, _NOT_CREATED = 0, 1, 2


def state_record(state: UserAccountState) -> StateRecord:
    """`state` without its id, as one flat tuple of atomic values.

    A state is four objects the collector tracks (the account, its id, name and email), and a
    full collection walks every one of them: kept as objects, a full cache made the full
    collections of a busy process its longest pauses (docs/performance.md). A tuple of untracked
    values is itself untracked at the first collection that sees it.
    """
    match state:
        case UserAccount():
            return (
                state.version,
                _ACCOUNT,
                state.name.first_name,
                state.name.last_name,
                state.email_address.value,
                state.created_at,
                state.updated_at,
                state.owner,
                state.deleted,
            )
        case ErasedUserAccount():
            return (state.version, _ERASED, state.erased_at)
        case NotCreated():
            return (0, _NOT_CREATED)


def state_from_record(aggregate_id: UserAccountId, record: StateRecord) -> UserAccountState:
    """The state `state_record` made `record` of, with `aggregate_id` as its id."""
    kind = record[1]
    if kind == _ACCOUNT:
        version, _, first, last, email, created_at, updated_at, owner, deleted = cast(
            _AccountRecord, record
        )
        return UserAccount(
            aggregate_id,
            UserAccountName(first, last),
            EmailAddress(email),
            created_at,
            updated_at,
            version,
            owner,
            deleted,
        )
    if kind == _ERASED:
        return ErasedUserAccount(aggregate_id, record[VERSION], cast(_ErasedRecord, record)[2])
    return NotCreated(aggregate_id)

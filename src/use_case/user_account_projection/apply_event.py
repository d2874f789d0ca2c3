"""How one event changes one read-model row."""

from domain.user_account import (
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountRenamed,
)
from use_case.ports import ErasedPersonalData, JournalEvent, UserAccountRow
from use_case.user_account_projection.errors import InconsistentHistoryError

# What a row without personal data holds in place of the names and the email address: valid
# values are never empty, and the columns are NOT NULL (the read model's erasure columns come
# with the erasure of SPEC §9.4).
NO_PERSONAL_DATA = ""


def apply_event(row: UserAccountRow | None, event: JournalEvent) -> UserAccountRow:
    """The row once `event` is applied; `event` must be the one right after the row's version."""
    version = 0 if row is None else row.version
    if event.seq_nr != version + 1:
        raise InconsistentHistoryError(
            f"{event.aggregate_id}#{event.seq_nr} cannot follow version {version}"
        )
    match row, event:
        case _, ErasedPersonalData():
            return without_personal_data(row, event)
        case UserAccountRow(), UserAccountRenamed() | UserAccountDeleted() if (
            not holds_personal_data(row)
        ):
            # A later event of an account whose personal data is erased brings none back.
            return without_personal_data(row, event)
        case None, UserAccountCreated():
            return UserAccountRow(
                id=event.aggregate_id,
                first_name=event.name.first_name,
                last_name=event.name.last_name,
                email_address=event.email_address.value,
                created_at=event.occurred_at,
                updated_at=event.occurred_at,
                version=event.seq_nr,
                owner=event.owner,
            )
        # Built field by field: dataclasses.replace costs several times more, per event.
        case UserAccountRow(deleted_at=None), UserAccountRenamed():
            return UserAccountRow(
                id=row.id,
                first_name=event.new_name.first_name,
                last_name=event.new_name.last_name,
                email_address=row.email_address,
                created_at=row.created_at,
                updated_at=event.occurred_at,
                version=event.seq_nr,
                owner=row.owner,
            )
        case UserAccountRow(deleted_at=None), UserAccountDeleted():
            return UserAccountRow(
                id=row.id,
                first_name=row.first_name,
                last_name=row.last_name,
                email_address=row.email_address,
                created_at=row.created_at,
                updated_at=event.occurred_at,
                version=event.seq_nr,
                owner=row.owner,
                deleted_at=event.occurred_at,
            )
    state = "no row" if row is None else "a deleted row" if row.deleted_at else "a row"
    raise InconsistentHistoryError(
        f"{type(event).__name__} {event.aggregate_id}#{event.seq_nr} cannot apply to {state}"
    )


def holds_personal_data(row: UserAccountRow) -> bool:
    """False for a row an ErasedPersonalData made (a real email address is never empty)."""
    return row.email_address != NO_PERSONAL_DATA


def without_personal_data(row: UserAccountRow | None, event: JournalEvent) -> UserAccountRow:
    """The row at `event`'s version with no personal data (nor owner), kept as a tombstone so
    that no query serves it: SPEC §9.4, whatever the event that made it."""
    return UserAccountRow(
        id=event.aggregate_id,
        first_name=NO_PERSONAL_DATA,
        last_name=NO_PERSONAL_DATA,
        email_address=NO_PERSONAL_DATA,
        created_at=event.occurred_at if row is None else row.created_at,
        updated_at=event.occurred_at,
        version=event.seq_nr,
        owner=None,
        deleted_at=event.occurred_at if row is None or row.deleted_at is None else row.deleted_at,
    )

"""How one event changes one read-model row: the one place where every event, Erased included,
is applied (the updater, the in-memory feed and a rebuild all come here)."""

from domain.user_account import (
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountRenamed,
)
from use_case.ports import ErasedPersonalData, JournalEvent, UserAccountRow
from use_case.user_account_projection.errors import InconsistentHistoryError


def apply_event(row: UserAccountRow | None, event: JournalEvent) -> UserAccountRow:
    """The row once `event` is applied; `event` must be the one right after the row's version,
    except an erasure: it needs nothing of what came before, so it applies after any version
    (events parked or never delivered included). An erased row is final: a later event changes
    nothing."""
    version = 0 if row is None else row.version
    if row is not None and row.erased_at is not None and event.seq_nr > version:
        return row
    if isinstance(event, UserAccountErased) and event.seq_nr > version:
        return erased_row(event)
    if event.seq_nr != version + 1:
        raise InconsistentHistoryError(
            f"{event.aggregate_id}#{event.seq_nr} cannot follow version {version}"
        )
    match row, event:
        case _, ErasedPersonalData():
            return without_personal_data(event)
        case UserAccountRow(), UserAccountRenamed() | UserAccountDeleted() if (
            not row.holds_personal_data
        ):
            # A later event of an account whose personal data is erased brings none back.
            return without_personal_data(event)
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


def erased_row(event: UserAccountErased) -> UserAccountRow:
    """What is left of an erased account (SPEC §9.4): its id, version and erasure time."""
    return UserAccountRow(
        id=event.aggregate_id,
        first_name=None,
        last_name=None,
        email_address=None,
        created_at=None,
        updated_at=None,
        version=event.seq_nr,
        owner=None,
        erased_at=event.occurred_at,
    )


def without_personal_data(event: JournalEvent) -> UserAccountRow:
    """The row at `event`'s version when its personal data can no longer be read (its key is
    gone, so its erasure is in the journal and on its way): id and version only, never served."""
    return UserAccountRow(
        id=event.aggregate_id,
        first_name=None,
        last_name=None,
        email_address=None,
        created_at=None,
        updated_at=None,
        version=event.seq_nr,
        owner=None,
    )

"""The projection of events whose personal data is erased (their key is gone): rows that hold
only their id and version, that no query serves."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.support.data_keys import WatchedDataKeys
from use_case.ports import ErasedPersonalData, UserAccountRow
from use_case.user_account_projection.apply_event import apply_event
from use_case.user_account_projection.errors import InconsistentHistoryError
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

ACCOUNT = UserAccountId("01KB0000000000000000000000")
AT = datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
NAME = UserAccountName("Taro", "Yamada")


def at(seq_nr: int) -> datetime:
    return AT + timedelta(seconds=seq_nr)


def marker(seq_nr: int) -> ErasedPersonalData:
    return ErasedPersonalData(f"E{seq_nr}", ACCOUNT, seq_nr, at(seq_nr))


def created() -> UserAccountCreated:
    return UserAccountCreated("E1", ACCOUNT, 1, at(1), NAME, EmailAddress("t@ex.com"), "owner")


def assert_without_personal_data(row: UserAccountRow, version: int) -> None:
    """Id and version only: no personal data, owner, times or erasure time (the Erased event
    that follows in the journal sets it)."""
    assert row == UserAccountRow(ACCOUNT, None, None, None, None, None, version, None)
    assert not row.served


def test_an_erased_create_makes_a_row_without_personal_data() -> None:
    row = apply_event(None, marker(1))
    assert_without_personal_data(row, 1)


def test_an_erased_event_strips_a_live_row() -> None:
    row = apply_event(apply_event(None, created()), marker(2))
    assert_without_personal_data(row, 2)


def test_an_erased_event_strips_a_tombstone() -> None:
    deleted = apply_event(apply_event(None, created()), UserAccountDeleted("E2", ACCOUNT, 2, at(2)))
    row = apply_event(deleted, marker(3))
    assert_without_personal_data(row, 3)


def test_later_events_bring_no_personal_data_back() -> None:
    row = apply_event(None, marker(1))
    row = apply_event(row, UserAccountRenamed("E2", ACCOUNT, 2, at(2), NAME, NAME))
    assert_without_personal_data(row, 2)
    row = apply_event(row, UserAccountDeleted("E3", ACCOUNT, 3, at(3)))
    assert_without_personal_data(row, 3)


def test_a_create_still_cannot_follow_a_row_and_order_still_holds() -> None:
    with pytest.raises(InconsistentHistoryError):
        apply_event(apply_event(None, marker(1)), created())
    with pytest.raises(InconsistentHistoryError, match="cannot follow version 0"):
        apply_event(None, marker(2))


async def test_gaps_are_filled_with_erased_events_from_the_journal() -> None:
    keys = WatchedDataKeys()
    journal = InMemoryUserAccountRepository(keys)
    renamed = UserAccountRenamed("E2", ACCOUNT, 2, at(2), NAME, UserAccountName("Jiro", "Sato"))
    await journal.store(0, [created()])
    await journal.store(1, [renamed])
    await journal.store(2, [deleted := UserAccountDeleted("E3", ACCOUNT, 3, at(3))])
    await keys.destroy(ACCOUNT.value)
    read_model = InMemoryUserAccountReadModel()

    # Only the last event is delivered: the first two come from the journal, erased.
    summary = await ProjectUserAccountEvents(read_model, journal)([deleted])

    assert (summary.applied, summary.gaps_filled, dict(summary.failed)) == (1, 2, {})
    row = (await read_model.load_rows([ACCOUNT]))[ACCOUNT]
    assert_without_personal_data(row, 3)
    assert await read_model.get(ACCOUNT) is None

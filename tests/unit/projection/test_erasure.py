"""The projection of an erasure (SPEC §9.4): the row keeps only id, version and erasure time, at
any version behind it, and nothing after it changes the row; the erased keys are followed up."""

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.support.strategies import user_account_names
from use_case.ports import ErasedPersonalData, JournalEvent, RowChange, UserAccountRow
from use_case.user_account_projection.apply_event import apply_event
from use_case.user_account_projection.errors import InconsistentHistoryError
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

ACCOUNT = UserAccountId("01KB0000000000000000000000")
OTHER = UserAccountId("01KB0000000000000000000001")
AT = datetime(2026, 12, 14, 3, 4, 5, tzinfo=UTC)
NAME = UserAccountName("Taro", "Yamada")


def at(seq_nr: int) -> datetime:
    return AT + timedelta(seconds=seq_nr)


def created(account: UserAccountId = ACCOUNT) -> UserAccountCreated:
    return UserAccountCreated("E1", account, 1, at(1), NAME, EmailAddress("t@ex.com"), "owner")


def renamed(seq_nr: int, name: UserAccountName = NAME) -> UserAccountRenamed:
    return UserAccountRenamed(f"E{seq_nr}", ACCOUNT, seq_nr, at(seq_nr), NAME, name)


def deleted(seq_nr: int) -> UserAccountDeleted:
    return UserAccountDeleted(f"E{seq_nr}", ACCOUNT, seq_nr, at(seq_nr))


def erased(seq_nr: int, account: UserAccountId = ACCOUNT) -> UserAccountErased:
    return UserAccountErased(f"E{seq_nr}", account, seq_nr, at(seq_nr))


def erased_row(seq_nr: int, account: UserAccountId = ACCOUNT) -> UserAccountRow:
    """Id, version and erasure time; every other field None (the owner included)."""
    return UserAccountRow(
        account, None, None, None, None, None, seq_nr, None, deleted_at=None, erased_at=at(seq_nr)
    )


class NoJournal:
    """A journal that must not be read: an erasure needs nothing of before."""

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[JournalEvent]:
        raise AssertionError(f"the journal was read for {aggregate_id}")


class GapJournal:
    """A journal whose every read finds nothing (the gap stays)."""

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[JournalEvent]:
        return []


class Followed:
    """The ErasureFollowUp port, recording each call (and failing on demand)."""

    def __init__(self) -> None:
        self.calls: list[set[UserAccountId]] = []
        self.fail = False

    async def __call__(self, account_ids: Collection[UserAccountId]) -> None:
        self.calls.append(set(account_ids))
        if self.fail:
            raise ConnectionError("the key table is away")


# --- apply_event ---------------------------------------------------------------------------


def test_an_erasure_leaves_only_id_version_and_erasure_time() -> None:
    live = apply_event(apply_event(None, created()), renamed(2))
    row = apply_event(live, erased(3))
    assert row == erased_row(3)
    assert not row.served
    assert not row.holds_personal_data
    assert row.full_name is None


def test_an_erasure_applies_to_a_tombstone_and_to_a_row_without_personal_data() -> None:
    tombstone = apply_event(apply_event(None, created()), deleted(2))
    assert apply_event(tombstone, erased(3)) == erased_row(3)
    emptied = apply_event(None, ErasedPersonalData("E1", ACCOUNT, 1, at(1)))
    assert apply_event(emptied, erased(2)) == erased_row(2)


@pytest.mark.parametrize("row_version", [0, 1, 2, 5])
def test_an_erasure_applies_after_any_version_behind_it(row_version: int) -> None:
    row = None
    if row_version:
        row = UserAccountRow(
            ACCOUNT, "Taro", "Yamada", "t@ex.com", at(1), at(1), row_version, "owner"
        )
    assert apply_event(row, erased(7)) == erased_row(7)


def test_an_erasure_at_or_below_the_rows_version_is_inconsistent() -> None:
    row = apply_event(apply_event(None, created()), renamed(2))
    with pytest.raises(InconsistentHistoryError, match="cannot follow version 2"):
        apply_event(row, erased(2))


@pytest.mark.parametrize(
    "later",
    [created(), renamed(4), deleted(4), erased(9), ErasedPersonalData("E5", ACCOUNT, 5, AT)],
)
def test_nothing_after_an_erasure_changes_the_row(later: JournalEvent) -> None:
    row = erased_row(3)
    if later.seq_nr <= 3:
        with pytest.raises(InconsistentHistoryError):
            apply_event(row, later)
    else:
        assert apply_event(row, later) is row


# --- the projection ------------------------------------------------------------------------


async def test_an_erasure_over_a_gap_reads_nothing_from_the_journal() -> None:
    rows = InMemoryUserAccountReadModel()
    follow_up = Followed()
    project = ProjectUserAccountEvents(rows, NoJournal(), after_erasure=follow_up)
    await rows.save_rows([RowChange(apply_event(None, created()), 0)])

    # Events 2..4 never came (parked, say): the erasure at 5 applies all the same.
    summary = await project([erased(5)])

    assert (summary.applied, summary.gaps_filled, dict(summary.failed)) == (1, 0, {})
    assert summary.erased == {ACCOUNT}
    assert await rows.load_rows([ACCOUNT]) == {ACCOUNT: erased_row(5)}
    assert follow_up.calls == [{ACCOUNT}]


async def test_an_erasure_applies_where_the_events_before_it_fail() -> None:
    rows = InMemoryUserAccountReadModel()
    follow_up = Followed()
    project = ProjectUserAccountEvents(rows, GapJournal(), after_erasure=follow_up)

    # Without its Created (lost), the rename alone cannot apply: the account fails ...
    assert set((await project([renamed(2)])).failed) == {ACCOUNT}
    # ... but with the erasure behind it, the batch erases the account.
    summary = await project([renamed(2), deleted(3), erased(4), created(OTHER)])

    assert dict(summary.failed) == {}
    assert (summary.applied, summary.erased) == (4, {ACCOUNT})
    loaded = await rows.load_rows([ACCOUNT, OTHER])
    assert loaded[ACCOUNT] == erased_row(4)
    assert loaded[OTHER].served
    assert follow_up.calls == [{ACCOUNT}]


async def test_events_of_an_erased_row_are_duplicates_and_a_new_erasure_is_followed_up() -> None:
    rows = InMemoryUserAccountReadModel()
    follow_up = Followed()
    project = ProjectUserAccountEvents(rows, NoJournal(), after_erasure=follow_up)
    await project([created(), erased(3)])

    retried = await project([created(), renamed(2)])
    assert (retried.applied, retried.duplicates, retried.erased) == (0, 2, {ACCOUNT})
    assert follow_up.calls == [{ACCOUNT}]  # no erasure in that batch: nothing to follow up

    again = await project([erased(3)])
    assert (again.applied, again.duplicates) == (0, 1)
    # Delivered again, the erasure is followed up again (the first call may have failed).
    assert follow_up.calls == [{ACCOUNT}, {ACCOUNT}]
    assert await rows.load_rows([ACCOUNT]) == {ACCOUNT: erased_row(3)}


async def test_a_failed_follow_up_fails_the_batch_after_the_row_is_committed() -> None:
    rows = InMemoryUserAccountReadModel()
    follow_up = Followed()
    follow_up.fail = True
    project = ProjectUserAccountEvents(rows, NoJournal(), after_erasure=follow_up)

    with pytest.raises(ConnectionError):
        await project([created(), erased(2)])

    assert await rows.load_rows([ACCOUNT]) == {ACCOUNT: erased_row(2)}
    follow_up.fail = False
    await project([created(), erased(2)])  # the batch delivered again
    assert follow_up.calls == [{ACCOUNT}, {ACCOUNT}]


async def test_erased_among_names_the_erased_rows_only() -> None:
    rows = InMemoryUserAccountReadModel()
    project = ProjectUserAccountEvents(rows, NoJournal())
    await project([created(), erased(2), created(OTHER)])
    missing = UserAccountId("01KB0000000000000000000002")

    assert await project.erased_among([ACCOUNT, OTHER, missing]) == {ACCOUNT}
    assert await project.erased_among([]) == set()


# --- property: an erasure ends the same whatever came before it -----------------------------

later_events = st.lists(
    st.one_of(st.builds(lambda name: ("rename", name), user_account_names), st.just(("delete",))),
    max_size=5,
)


def history_of(steps: list[tuple[object, ...]]) -> list[UserAccountEvent]:
    events: list[UserAccountEvent] = [created()]
    for step in steps:
        seq_nr = len(events) + 1
        if step[0] == "delete":
            events.append(deleted(seq_nr))
            break  # nothing but the erasure follows a deletion
        name = step[1]
        assert isinstance(name, UserAccountName)
        events.append(renamed(seq_nr, name))
    events.append(erased(len(events) + 1))
    return events


@settings(max_examples=100, deadline=None)
@given(steps=later_events, data=st.data())
async def test_any_delivery_of_a_history_ending_erased_gives_the_erased_row(
    steps: list[tuple[object, ...]], data: st.DataObject
) -> None:
    """Events lost, repeated, reordered or applied before, in batches: the row is the erased
    one, never read from the journal, and the follow-up came for every batch holding it."""
    events = history_of(steps)
    erasure = events[-1]
    before = [event for event in events[:-1] if data.draw(st.booleans())]
    delivered = data.draw(st.permutations([*before, *before[: data.draw(st.integers(0, 2))]]))
    cut = data.draw(st.integers(0, len(delivered)))
    batches = [delivered[:cut], [*delivered[cut:], erasure]]
    if data.draw(st.booleans()):
        batches.append([erasure, *delivered])  # all of it delivered again
    rows = InMemoryUserAccountReadModel()
    follow_up = Followed()
    # Events delivered before the erasure may meet gaps: a journal that finds nothing leaves them
    # failed, as parked records would be.
    project = ProjectUserAccountEvents(rows, GapJournal(), after_erasure=follow_up)

    for batch in batches:
        await project(batch)

    assert await rows.load_rows([ACCOUNT]) == {ACCOUNT: erased_row(erasure.seq_nr)}
    assert follow_up.calls == [{ACCOUNT}] * (len(batches) - 1)

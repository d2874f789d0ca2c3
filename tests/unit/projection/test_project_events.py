"""ProjectUserAccountEvents by example: order, duplicates, gaps, tombstones, races, failures."""

import asyncio
from collections.abc import Collection, Mapping, Sequence

import pytest

from domain.user_account import UserAccountEvent, UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.support.callers import ALICE
from tests.support.fakes import CountingIdGenerator, SteppingClock
from use_case.ports import JournalEvent, ReadModelConflictError, RowChange, UserAccountRow
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccount, DeleteUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase
from use_case.user_account_projection.errors import InconsistentHistoryError, JournalGapError
from use_case.user_account_projection.project_events import (
    MAX_ATTEMPTS,
    ProjectionSummary,
    ProjectUserAccountEvents,
)

pytestmark = pytest.mark.unit


class Journal:
    """Accounts written through the real command use cases into an in-memory journal, by ALICE
    (so that they have an owner)."""

    def __init__(self) -> None:
        self.repository = InMemoryUserAccountRepository(InMemoryDataKeys())
        runner = CommandRunner(self.repository, SteppingClock(), CountingIdGenerator())
        self._create = CreateUserAccountUseCase(runner)
        self._rename = RenameUserAccountUseCase(runner)
        self._delete = DeleteUserAccountUseCase(runner)

    async def create(self, first: str = "Taro", last: str = "Yamada") -> UserAccountId:
        accepted = (
            await self._create(ALICE, CreateUserAccount(first, last, "t@example.com"))
        ).unwrap()
        return UserAccountId(accepted.id)

    async def rename(self, account_id: UserAccountId, first: str, last: str) -> None:
        (await self._rename(ALICE, RenameUserAccount(account_id.value, first, last))).unwrap()

    async def delete(self, account_id: UserAccountId) -> None:
        (await self._delete(ALICE, DeleteUserAccount(account_id.value))).unwrap()

    async def events(self, account_id: UserAccountId) -> list[JournalEvent]:
        return await self.repository.events_of(account_id)


class ListJournal:
    """An event reader over a fixed list of events."""

    def __init__(self, events: Sequence[UserAccountEvent]) -> None:
        self._events = list(events)

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        return [
            event
            for event in self._events
            if event.aggregate_id == aggregate_id
            and after_seq_nr < event.seq_nr <= (up_to_seq_nr or event.seq_nr)
        ]


@pytest.fixture
def journal() -> Journal:
    return Journal()


@pytest.fixture
def read_model() -> InMemoryUserAccountReadModel:
    return InMemoryUserAccountReadModel()


@pytest.fixture
def project(journal: Journal, read_model: InMemoryUserAccountReadModel) -> ProjectUserAccountEvents:
    return ProjectUserAccountEvents(read_model, journal.repository)


async def stored_row(
    read_model: InMemoryUserAccountReadModel, account_id: UserAccountId
) -> UserAccountRow:
    return (await read_model.load_rows([account_id]))[account_id]


async def test_created_renamed_deleted_make_a_tombstone(
    journal: Journal, read_model: InMemoryUserAccountReadModel, project: ProjectUserAccountEvents
) -> None:
    account_id = await journal.create("Taro", "Yamada")
    await journal.rename(account_id, "Jiro", "Sato")
    await journal.delete(account_id)
    created, renamed, deleted = await journal.events(account_id)

    summary = await project([created, renamed, deleted])

    assert summary == ProjectionSummary(applied=3)
    assert await stored_row(read_model, account_id) == UserAccountRow(
        id=account_id,
        first_name="Jiro",
        last_name="Sato",
        email_address="t@example.com",
        created_at=created.occurred_at,
        updated_at=deleted.occurred_at,
        version=3,
        owner=ALICE.subject,
        deleted_at=deleted.occurred_at,
    )
    assert await read_model.get(account_id) is None


async def test_rename_sets_names_and_updated_at_only(
    journal: Journal, read_model: InMemoryUserAccountReadModel, project: ProjectUserAccountEvents
) -> None:
    account_id = await journal.create("Taro", "Yamada")
    await journal.rename(account_id, "Jiro", "Sato")
    created, renamed = await journal.events(account_id)

    await project([created])
    await project([renamed])

    row = await stored_row(read_model, account_id)
    assert (row.first_name, row.last_name, row.version) == ("Jiro", "Sato", 2)
    assert (row.created_at, row.updated_at) == (created.occurred_at, renamed.occurred_at)
    assert row.deleted_at is None


async def test_redelivered_events_are_skipped_and_a_tombstone_stays(
    journal: Journal, read_model: InMemoryUserAccountReadModel, project: ProjectUserAccountEvents
) -> None:
    account_id = await journal.create()
    await journal.delete(account_id)
    events = await journal.events(account_id)
    await project(events)
    before = await stored_row(read_model, account_id)

    summary = await project([events[0], events[0], events[1]])

    assert summary == ProjectionSummary(duplicates=3)
    assert await stored_row(read_model, account_id) == before


async def test_events_out_of_order_in_a_batch_apply_in_order(
    journal: Journal, read_model: InMemoryUserAccountReadModel, project: ProjectUserAccountEvents
) -> None:
    account_id = await journal.create()
    await journal.rename(account_id, "A", "B")
    await journal.rename(account_id, "C", "D")
    first, second, third = await journal.events(account_id)

    summary = await project([third, first, second, first])

    assert summary == ProjectionSummary(applied=3, duplicates=1)
    assert (await stored_row(read_model, account_id)).first_name == "C"


async def test_a_gap_is_filled_from_the_journal(
    journal: Journal, read_model: InMemoryUserAccountReadModel, project: ProjectUserAccountEvents
) -> None:
    account_id = await journal.create()
    await journal.rename(account_id, "A", "B")
    await journal.rename(account_id, "C", "D")
    await journal.delete(account_id)
    events = await journal.events(account_id)

    first = await project([events[2]])  # 1 and 2 never came (yet)
    later = await project([events[1], events[3]])

    assert first == ProjectionSummary(applied=1, gaps_filled=2)
    assert later == ProjectionSummary(applied=1, duplicates=1)
    row = await stored_row(read_model, account_id)
    assert (row.first_name, row.version, row.created_at) == ("C", 4, events[0].occurred_at)


async def test_an_aggregate_that_fails_holds_back_no_other(
    journal: Journal, read_model: InMemoryUserAccountReadModel
) -> None:
    healthy = await journal.create("Healthy", "One")
    gapped = await journal.create("Gapped", "Two")
    await journal.rename(gapped, "A", "B")
    await journal.rename(gapped, "C", "D")
    # The journal handed to the projection has lost the middle event of `gapped`.
    forgetful = ListJournal([*await journal.events(healthy), (await journal.events(gapped))[0]])
    project = ProjectUserAccountEvents(read_model, forgetful)

    summary = await project([*await journal.events(healthy), (await journal.events(gapped))[2]])

    assert summary.applied == 1
    assert isinstance(summary.failed[gapped], JournalGapError)
    assert summary.failed[gapped].missing == [2]
    assert await read_model.load_rows([gapped]) == {}
    assert (await stored_row(read_model, healthy)).first_name == "Healthy"


async def test_an_event_that_cannot_follow_the_row_fails_its_aggregate(
    journal: Journal, read_model: InMemoryUserAccountReadModel, project: ProjectUserAccountEvents
) -> None:
    account_id = await journal.create()
    await journal.rename(account_id, "A", "B")
    created, renamed = await journal.events(account_id)
    await project([created])
    # A second Created at seq 2: only a corrupt journal could deliver it.
    impostor = type(created)(
        created.event_id,
        account_id,
        2,
        renamed.occurred_at,
        created.name,
        created.email_address,
        created.owner,
    )

    summary = await project([impostor])

    assert isinstance(summary.failed[account_id], InconsistentHistoryError)
    assert (await stored_row(read_model, account_id)).version == 1


class RacingReadModel(InMemoryUserAccountReadModel):
    """Before each of the first `races` saves, another updater saves `rival` changes first."""

    def __init__(self, races: int, rival: Sequence[RowChange] = ()) -> None:
        super().__init__()
        self.races = races
        self.rival = list(rival)
        self.loads = 0

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        self.loads += 1
        return await super().load_rows(ids)

    async def save_rows(self, changes: Sequence[RowChange]) -> None:
        if self.races > 0:
            self.races -= 1
            if self.rival:
                await super().save_rows(self.rival)
                self.rival = []
            else:
                raise ReadModelConflictError([change.row.id for change in changes])
        await super().save_rows(changes)


async def test_a_save_that_lost_a_race_is_redone_from_a_fresh_load(journal: Journal) -> None:
    account_id = await journal.create()
    await journal.rename(account_id, "A", "B")
    created, renamed = await journal.events(account_id)
    # The rival updater applied Created just before our save of Created + Renamed.
    rival_row = UserAccountRow(
        account_id,
        "Taro",
        "Yamada",
        "t@example.com",
        created.occurred_at,
        created.occurred_at,
        1,
        ALICE.subject,
    )
    read_model = RacingReadModel(races=1, rival=[RowChange(rival_row, 0)])

    summary = await ProjectUserAccountEvents(read_model, journal.repository)([created, renamed])

    assert summary == ProjectionSummary(applied=1, duplicates=1)
    assert read_model.loads == 2
    assert (await stored_row(read_model, account_id)).version == 2


async def test_conflicts_without_end_give_up_after_a_bounded_number_of_attempts(
    journal: Journal,
) -> None:
    account_id = await journal.create()
    read_model = RacingReadModel(races=MAX_ATTEMPTS)

    with pytest.raises(ReadModelConflictError):
        await ProjectUserAccountEvents(read_model, journal.repository)(
            await journal.events(account_id)
        )

    assert read_model.loads == MAX_ATTEMPTS


class YieldingReadModel(InMemoryUserAccountReadModel):
    """Lets other tasks run between load and save, as a real database round trip would."""

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        rows = await super().load_rows(ids)
        await asyncio.sleep(0)
        return rows


async def test_concurrent_updaters_on_overlapping_batches_apply_each_event_once(
    journal: Journal,
) -> None:
    ids = [await journal.create(f"N{n}", "X") for n in range(3)]
    for account_id in ids:
        await journal.rename(account_id, "Renamed", "X")
    events = [event for account_id in ids for event in await journal.events(account_id)]
    read_model = YieldingReadModel()
    project = ProjectUserAccountEvents(read_model, journal.repository)

    summaries = await asyncio.gather(project(events), project(events[::-1]), project(events[2:]))

    assert sum(summary.applied + summary.gaps_filled for summary in summaries) == len(events)
    rows = await read_model.load_rows(ids)
    assert {(row.first_name, row.version) for row in rows.values()} == {("Renamed", 2)}


async def test_an_empty_batch_does_nothing(project: ProjectUserAccountEvents) -> None:
    assert await project([]) == ProjectionSummary()

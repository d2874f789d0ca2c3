"""In-memory mode's wiring: committed events reach the read model at once, failures are logged."""

import asyncio
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from dependency_injector import providers

from apps.command_api.container import CommandApiContainer
from apps.in_memory.caught_up_queries import CaughtUpQueries
from apps.in_memory.projection_feed import ProjectionFeed
from apps.in_memory.stack import use_in_memory_stack
from apps.query_api.container import QueryApiContainer
from domain.user_account import UserAccountErased, UserAccountEvent, UserAccountId
from infrastructure.settings import Settings
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.support.callers import NO_AUTH
from tests.support.fakes import CountingIdGenerator, SteppingClock
from use_case.ports import RowChange, UserAccountRow
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase
from use_case.user_account_projection.project_events import (
    ProjectionSummary,
    ProjectUserAccountEvents,
)
from use_case.user_account_query.get_user_account import GetUserAccount

pytestmark = pytest.mark.unit


def containers() -> tuple[CommandApiContainer, QueryApiContainer]:
    command = CommandApiContainer()
    command.settings.override(providers.Object(Settings()))
    command.clock.override(providers.Object(SteppingClock()))
    command.id_generator.override(providers.Object(CountingIdGenerator()))
    query = QueryApiContainer()
    query.settings.override(providers.Object(Settings()))
    return command, query


async def test_a_created_then_renamed_account_is_queryable_at_once() -> None:
    command, query = containers()
    use_in_memory_stack(command, query)

    created = await command.create_user_account()(
        NO_AUTH, CreateUserAccount("Taro", "Yamada", "t@x.io")
    )
    account_id = created.unwrap().id
    await command.rename_user_account()(NO_AUTH, RenameUserAccount(account_id, "Jiro", "Sato"))
    found = await query.get_user_account()(NO_AUTH, GetUserAccount(account_id))

    row = found.unwrap()
    assert row is not None
    assert (row.full_name, row.version) == ("Jiro Sato", 2)


class FailingOnceRowStore:
    """Refuses the first save (as a bug would), then behaves."""

    def __init__(self) -> None:
        self.rows: dict[UserAccountId, UserAccountRow] = {}
        self.failures_left = 1

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def save_rows(self, changes: Sequence[RowChange]) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("read model broke")
        for change in changes:
            self.rows[change.row.id] = change.row


async def test_a_projection_failure_does_not_fail_the_command_and_heals_on_the_next_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    repository = InMemoryUserAccountRepository(InMemoryDataKeys())
    rows = FailingOnceRowStore()
    feed = ProjectionFeed(ProjectUserAccountEvents(rows, repository))
    repository.subscribe(feed)
    runner = CommandRunner(repository, SteppingClock(), CountingIdGenerator())

    created = await CreateUserAccountUseCase(runner)(
        NO_AUTH, CreateUserAccount("Taro", "Yamada", "t@x.io")
    )
    account_id = created.unwrap().id
    await feed.caught_up()
    missed = dict(rows.rows)
    renamed = await RenameUserAccountUseCase(runner)(
        NO_AUTH, RenameUserAccount(account_id, "Jiro", "Sato")
    )
    await feed.caught_up()

    assert missed == {}
    assert "projecting committed events failed" in caplog.text
    assert renamed.unwrap().version == 2
    # The rename's projection read the missed creation back from the journal.
    assert rows.rows[UserAccountId(account_id)].version == 2


class CountingProjection(ProjectUserAccountEvents):
    def __init__(self, rows: InMemoryUserAccountReadModel, journal: InMemoryUserAccountRepository):
        super().__init__(rows, journal)
        self.batches: list[int] = []

    async def __call__(self, events: Sequence[UserAccountEvent]) -> ProjectionSummary:
        self.batches.append(len(events))
        return await super().__call__(events)


def counted_stack() -> tuple[CreateUserAccountUseCase, CountingProjection, ProjectionFeed, Any]:
    repository = InMemoryUserAccountRepository(InMemoryDataKeys())
    read_model = InMemoryUserAccountReadModel()
    projection = CountingProjection(read_model, repository)
    feed = ProjectionFeed(projection)
    repository.subscribe(feed)
    runner = CommandRunner(repository, SteppingClock(), CountingIdGenerator())
    return CreateUserAccountUseCase(runner), projection, feed, CaughtUpQueries(read_model, feed)


async def test_the_events_committed_in_one_loop_iteration_are_projected_as_one_batch() -> None:
    create, projection, feed, queries = counted_stack()

    created = await asyncio.gather(
        *(create(NO_AUTH, CreateUserAccount("Taro", f"Yamada{n}", "t@x.io")) for n in range(5))
    )
    await feed.caught_up()

    assert projection.batches == [5]
    ids = [UserAccountId(outcome.unwrap().id) for outcome in created]
    assert [row.id for row in await queries.get_many(ids)] == sorted(ids)


async def test_a_read_sees_every_mutation_answered_before_it() -> None:
    create, projection, _, queries = counted_stack()

    created = await create(NO_AUTH, CreateUserAccount("Taro", "Yamada", "t@x.io"))
    row = await queries.get(UserAccountId(created.unwrap().id))

    assert projection.batches == [1]
    assert row is not None
    assert row.full_name == "Taro Yamada"


async def test_a_cancelled_read_leaves_the_projection_running() -> None:
    create, _, feed, queries = counted_stack()
    created = await create(NO_AUTH, CreateUserAccount("Taro", "Yamada", "t@x.io"))

    read = asyncio.ensure_future(queries.get(UserAccountId(created.unwrap().id)))
    await asyncio.sleep(0)
    read.cancel()
    await feed.caught_up()

    assert await queries.get(UserAccountId(created.unwrap().id)) is not None


async def test_an_erasure_reaches_the_read_model_and_destroys_the_key_in_memory() -> None:
    command, query = containers()
    stack = use_in_memory_stack(command, query)
    created = await command.create_user_account()(
        NO_AUTH, CreateUserAccount("Taro", "Yamada", "t@x.io")
    )
    account_id = created.unwrap().id
    account = UserAccountId(account_id)
    data_keys = command.data_keys()
    assert await data_keys.find(account_id) is not None

    # The Erased event as the erase command appends it (its key kept, to see the feed destroy it).
    erased = UserAccountErased("X2", account, 2, datetime(2026, 12, 14, tzinfo=UTC))
    await stack.repository.store(1, [erased])
    await stack.feed.caught_up()

    assert await data_keys.find(account_id) is None
    rows = await stack.read_model.load_rows([account])
    assert rows[account].erased_at == erased.occurred_at
    assert (rows[account].version, rows[account].email_address) == (2, None)
    found = await query.get_user_account()(NO_AUTH, GetUserAccount(account_id))
    assert found.unwrap() is None

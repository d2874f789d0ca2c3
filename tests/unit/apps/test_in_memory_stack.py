"""In-memory mode's wiring: committed events reach the read model at once, failures are logged."""

from collections.abc import Collection, Mapping, Sequence

import pytest
from dependency_injector import providers

from apps.command_api.container import CommandApiContainer
from apps.in_memory.projection_feed import ProjectionFeed
from apps.in_memory.stack import use_in_memory_stack
from apps.query_api.container import QueryApiContainer
from domain.user_account import UserAccountId
from infrastructure.settings import Settings
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from tests.support.fakes import CountingIdGenerator, SteppingClock
from use_case.ports import RowChange, UserAccountRow
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase
from use_case.user_account_projection.project_events import ProjectUserAccountEvents
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

    created = await command.create_user_account()(CreateUserAccount("Taro", "Yamada", "t@x.io"))
    account_id = created.unwrap().id
    await command.rename_user_account()(RenameUserAccount(account_id, "Jiro", "Sato"))
    found = await query.get_user_account()(GetUserAccount(account_id))

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
    repository = InMemoryUserAccountRepository()
    rows = FailingOnceRowStore()
    repository.subscribe(ProjectionFeed(ProjectUserAccountEvents(rows, repository)))
    runner = CommandRunner(repository, SteppingClock(), CountingIdGenerator())

    created = await CreateUserAccountUseCase(runner)(CreateUserAccount("Taro", "Yamada", "t@x.io"))
    account_id = created.unwrap().id
    missed = dict(rows.rows)
    renamed = await RenameUserAccountUseCase(runner)(RenameUserAccount(account_id, "Jiro", "Sato"))

    assert missed == {}
    assert "projecting committed events failed" in caplog.text
    assert renamed.unwrap().version == 2
    # The rename's projection read the missed creation back from the journal.
    assert rows.rows[UserAccountId(account_id)].version == 2

"""The command use cases' observations, counted by PrometheusCommandObserver: one count per
command by its outcome (the code the client sees), per conflicting append, per cache lookup."""

import asyncio
from collections.abc import Sequence

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from domain.user_account import UserAccountEvent, UserAccountId, UserAccountState
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.metrics.command_metrics import PrometheusCommandObserver
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.callers import NO_AUTH
from tests.support.fakes import CountingIdGenerator, SteppingClock
from tests.support.metrics import Metrics
from use_case.ports import ConcurrencyConflictError
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.command_runner import MAX_ATTEMPTS, CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccount, DeleteUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase

pytestmark = pytest.mark.unit

NEW = CreateUserAccount("Taro", "Yamada", "taro@example.com")


class ConflictingRepository(InMemoryUserAccountRepository):
    """Conflicts on the first `conflicts` stores, as if another writer kept winning."""

    def __init__(self, conflicts: int) -> None:
        super().__init__(InMemoryDataKeys())
        self.conflicts = conflicts
        self.store_calls = 0

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        self.store_calls += 1
        if self.store_calls <= self.conflicts:
            raise ConcurrencyConflictError(events[0].aggregate_id, expected_version)
        await super().store(expected_version, events)


class Observed:
    def __init__(self, repository: InMemoryUserAccountRepository, cache_size: int = 100) -> None:
        self.registry = CollectorRegistry()
        observer = PrometheusCommandObserver(self.registry)
        runner = CommandRunner(
            repository,
            SteppingClock(),
            CountingIdGenerator(),
            cache=AggregateCache(cache_size),
            observer=observer,
        )
        self.create = CreateUserAccountUseCase(runner, observer)
        self.rename = RenameUserAccountUseCase(runner, observer)
        self.delete = DeleteUserAccountUseCase(runner, observer)

    def metrics(self) -> Metrics:
        return Metrics(generate_latest(self.registry).decode())

    def commands(self, command: str, outcome: str) -> float:
        return self.metrics().value("commands_total", command=command, outcome=outcome)


async def test_each_conflicting_append_is_counted_and_the_last_one_ends_the_command() -> None:
    observed = Observed(ConflictingRepository(conflicts=MAX_ATTEMPTS - 1))
    assert (await observed.create(NO_AUTH, NEW)).unwrap().version == 1
    assert observed.metrics().value("concurrency_conflicts_total") == MAX_ATTEMPTS - 1
    assert observed.commands("create_user_account", "ok") == 1

    always = Observed(ConflictingRepository(conflicts=10**6))
    await always.create(NO_AUTH, NEW)
    assert always.metrics().value("concurrency_conflicts_total") == MAX_ATTEMPTS
    assert always.commands("create_user_account", "CONCURRENCY_CONFLICT") == 1
    assert always.commands("create_user_account", "ok") == 0


async def test_lookups_in_a_cache_that_is_off_all_miss() -> None:
    observed = Observed(InMemoryUserAccountRepository(InMemoryDataKeys()), cache_size=0)
    account = (await observed.create(NO_AUTH, NEW)).unwrap()
    for name in ("Jiro", "Saburo", "Shiro"):
        await observed.rename(NO_AUTH, RenameUserAccount(account.id, name, "Sato"))
    metrics = observed.metrics()
    assert metrics.value("aggregate_cache_misses_total") == 3
    assert metrics.value("aggregate_cache_hits_total") == 0
    assert observed.commands("rename_user_account", "ok") == 3


async def test_validation_failures_are_counted_by_their_code_without_a_lookup() -> None:
    observed = Observed(InMemoryUserAccountRepository(InMemoryDataKeys()))
    await observed.rename(NO_AUTH, RenameUserAccount("not-an-id", "", ""))
    await observed.delete(NO_AUTH, DeleteUserAccount("not-an-id"))
    assert observed.commands("rename_user_account", "VALIDATION_ERROR") == 1
    assert observed.commands("delete_user_account", "VALIDATION_ERROR") == 1
    metrics = observed.metrics()
    assert metrics.value("aggregate_cache_misses_total") == 0
    assert metrics.value("aggregate_cache_hits_total") == 0


class BrokenRepository(InMemoryUserAccountRepository):
    def __init__(self, error: BaseException) -> None:
        super().__init__(InMemoryDataKeys())
        self.error = error

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        raise self.error


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (ConnectionError("journal unreachable"), "INTERNAL_ERROR"),
        (asyncio.CancelledError(), "REQUEST_TIMEOUT"),
    ],
)
async def test_a_command_that_raises_is_counted_by_what_the_client_is_answered(
    error: BaseException, outcome: str
) -> None:
    observed = Observed(BrokenRepository(error))
    with pytest.raises(type(error)):
        await observed.delete(NO_AUTH, DeleteUserAccount("01KB0000000000000000000000"))
    assert observed.commands("delete_user_account", outcome) == 1

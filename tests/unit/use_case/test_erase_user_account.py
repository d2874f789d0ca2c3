"""EraseUserAccountUseCase: who may erase (SPEC §8.2), deleted or not, and nothing after it."""

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from returns.result import Failure

from domain.user_account import (
    ErasedUserAccount,
    NotFound,
    UserAccountErased,
    UserAccountId,
    ValidationFailed,
)
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.metrics.command_metrics import PrometheusCommandObserver
from tests.support.callers import ADMIN, ALICE, BOB, NO_AUTH
from tests.support.data_keys import WatchedDataKeys
from tests.support.fakes import CountingIdGenerator, SteppingClock
from tests.support.metrics import Metrics
from use_case.caller import Caller
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccount, DeleteUserAccountUseCase
from use_case.user_account.erase_user_account import EraseUserAccount, EraseUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase

pytestmark = pytest.mark.unit


class Service:
    def __init__(self) -> None:
        self.keys = WatchedDataKeys()
        self.repository = InMemoryUserAccountRepository(self.keys)
        self.registry = CollectorRegistry()
        observer = PrometheusCommandObserver(self.registry)
        runner = CommandRunner(
            self.repository,
            SteppingClock(),
            CountingIdGenerator(),
            cache=AggregateCache(100),
            observer=observer,
        )
        self.create = CreateUserAccountUseCase(runner, observer)
        self.rename = RenameUserAccountUseCase(runner, observer)
        self.delete = DeleteUserAccountUseCase(runner, observer)
        self.erase = EraseUserAccountUseCase(runner, observer)

    async def created_by(self, caller: Caller) -> str:
        outcome = await self.create(caller, CreateUserAccount("Taro", "Yamada", "t@example.com"))
        return outcome.unwrap().id

    def commands(self, outcome: str) -> float:
        metrics = Metrics(generate_latest(self.registry).decode())
        return metrics.value("commands_total", command="erase_user_account", outcome=outcome)


@pytest.mark.parametrize("by", [ALICE, ADMIN, NO_AUTH])
async def test_the_owner_or_an_admin_erases_and_the_key_is_gone(by: Caller) -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    await service.rename(ALICE, RenameUserAccount(account_id, "Jiro", "Sato"))

    outcome = await service.erase(by, EraseUserAccount(account_id))

    assert outcome.unwrap().version == 3
    events = await service.repository.events_of(UserAccountId(account_id))
    assert isinstance(events[-1], UserAccountErased)
    assert await service.keys.find(account_id) is None
    state = await service.repository.load(UserAccountId(account_id))
    assert state == ErasedUserAccount(UserAccountId(account_id), 3, events[-1].occurred_at)
    assert service.commands("ok") == 1


async def test_a_deleted_account_may_be_erased() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    await service.delete(ALICE, DeleteUserAccount(account_id))
    assert (await service.erase(ALICE, EraseUserAccount(account_id))).unwrap().version == 3


async def test_another_subject_meets_not_found_and_erases_nothing() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    assert await service.erase(BOB, EraseUserAccount(account_id)) == Failure(NotFound())
    assert len(await service.repository.events_of(UserAccountId(account_id))) == 1
    assert await service.keys.find(account_id) is not None
    assert service.commands("NOT_FOUND") == 1


async def test_after_an_erasure_every_command_is_not_found_even_for_the_owner() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    await service.erase(ALICE, EraseUserAccount(account_id))
    for caller in (ALICE, ADMIN):
        assert await service.rename(caller, RenameUserAccount(account_id, "A", "B")) == Failure(
            NotFound()
        )
        assert await service.delete(caller, DeleteUserAccount(account_id)) == Failure(NotFound())
        assert await service.erase(caller, EraseUserAccount(account_id)) == Failure(NotFound())
    assert len(await service.repository.events_of(UserAccountId(account_id))) == 2


async def test_an_unknown_or_malformed_id_is_refused() -> None:
    service = Service()
    unknown = EraseUserAccount("01KB0000000000000000000000")
    assert await service.erase(ALICE, unknown) == Failure(NotFound())
    malformed = await service.erase(ALICE, EraseUserAccount("not-an-id"))
    assert isinstance(malformed, Failure)
    assert isinstance(malformed.failure(), ValidationFailed)
    assert service.commands("VALIDATION_ERROR") == 1


async def test_a_second_erase_finishes_an_erasure_whose_key_destroy_failed() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    service.keys.failing_destroys = 1
    with pytest.raises(ConnectionError):
        await service.erase(ALICE, EraseUserAccount(account_id))
    assert service.commands("INTERNAL_ERROR") == 1
    assert await service.keys.find(account_id) is not None
    assert await service.erase(ALICE, EraseUserAccount(account_id)) == Failure(NotFound())
    assert await service.keys.find(account_id) is None

"""Optimistic concurrency in the command use cases: reload and decide again, at most 5 attempts."""

from collections.abc import Sequence

import pytest
from returns.result import Failure

from domain.user_account import UserAccountEvent, UserAccountId, UserAccountState, ValidationFailed
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.callers import NO_AUTH
from tests.support.fakes import CountingIdGenerator, SteppingClock
from use_case.ports import ConcurrencyConflictError
from use_case.user_account.command_runner import MAX_ATTEMPTS, CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.outcome import ConcurrencyConflict
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase

pytestmark = pytest.mark.unit


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


def runner_for(repository: InMemoryUserAccountRepository) -> CommandRunner:
    return CommandRunner(repository, SteppingClock(), CountingIdGenerator())


async def test_a_conflict_is_retried_until_the_store_succeeds() -> None:
    repository = ConflictingRepository(conflicts=MAX_ATTEMPTS - 1)
    create = CreateUserAccountUseCase(runner_for(repository))
    accepted = (
        await create(NO_AUTH, CreateUserAccount("Taro", "Yamada", "taro@example.com"))
    ).unwrap()
    assert accepted.version == 1
    assert repository.store_calls == MAX_ATTEMPTS
    assert len(await repository.events_of(UserAccountId(accepted.id))) == 1


async def test_conflicts_on_every_attempt_end_in_concurrency_conflict() -> None:
    repository = ConflictingRepository(conflicts=10**6)
    create = CreateUserAccountUseCase(runner_for(repository))
    result = await create(NO_AUTH, CreateUserAccount("Taro", "Yamada", "taro@example.com"))
    assert result == Failure(ConcurrencyConflict(MAX_ATTEMPTS))
    assert repository.store_calls == MAX_ATTEMPTS


async def test_a_retry_decides_again_on_the_reloaded_state() -> None:
    repository = InMemoryUserAccountRepository(InMemoryDataKeys())
    runner = runner_for(repository)
    created = (
        await CreateUserAccountUseCase(runner)(NO_AUTH, CreateUserAccount("A", "B", "a@b.cd"))
    ).unwrap()
    rename = RenameUserAccountUseCase(runner)

    class RacingRepository(InMemoryUserAccountRepository):
        """Lets a competing rename land between this command's load and its store."""

        raced = False

        async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
            return await repository.load(aggregate_id)

        async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
            if not self.raced:
                self.raced = True
                await rename(NO_AUTH, RenameUserAccount(created.id, "C", "D"))
            await repository.store(expected_version, events)

    racing = RenameUserAccountUseCase(runner_for(RacingRepository(InMemoryDataKeys())))
    accepted = (await racing(NO_AUTH, RenameUserAccount(created.id, "E", "F"))).unwrap()
    assert accepted.version == 3
    names = [
        getattr(e, "new_name", None) for e in await repository.events_of(UserAccountId(created.id))
    ]
    assert [(n.first_name, n.last_name) for n in names if n] == [("C", "D"), ("E", "F")]


async def test_validation_reports_every_field_in_input_order() -> None:
    rename = RenameUserAccountUseCase(runner_for(InMemoryUserAccountRepository(InMemoryDataKeys())))
    result = await rename(NO_AUTH, RenameUserAccount("bad", " ", "x" * 300))
    assert result == Failure(
        ValidationFailed(
            (
                "User account ID must be exactly 26 characters",
                "First name cannot be empty",
                "Last name is too long",
            )
        )
    )

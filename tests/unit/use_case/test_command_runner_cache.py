"""The command runner's guesses: a new aggregate is not loaded, a cached state is decided on,
and the journal's conditional append (or a refusal) sends the command back to a loaded state."""

import asyncio
from collections.abc import Sequence

import pytest
from returns.result import Failure, Success

from domain.user_account import (
    AlreadyCreated,
    SameName,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
)
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.callers import NO_AUTH
from tests.support.fakes import CountingIdGenerator, SteppingClock
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccount, DeleteUserAccountUseCase
from use_case.user_account.outcome import CommandAccepted
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase

pytestmark = pytest.mark.unit


class CountingRepository(InMemoryUserAccountRepository):
    """The in-memory journal, counting loads and appends."""

    def __init__(self) -> None:
        super().__init__(InMemoryDataKeys())
        self.loads = 0
        self.stores = 0

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        self.loads += 1
        return await super().load(aggregate_id)

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        self.stores += 1
        await super().store(expected_version, events)


class Node:
    """One Command API process: its own cache, the shared journal."""

    def __init__(self, repository: InMemoryUserAccountRepository, cache_size: int = 100) -> None:
        self.cache = AggregateCache(cache_size)
        runner = CommandRunner(repository, SteppingClock(), ids, cache=self.cache)
        self.create = CreateUserAccountUseCase(runner)
        self.rename = RenameUserAccountUseCase(runner)
        self.delete = DeleteUserAccountUseCase(runner)

    async def created(self, first: str = "A", last: str = "B") -> str:
        accepted = (await self.create(NO_AUTH, CreateUserAccount(first, last, "a@b.cd"))).unwrap()
        return accepted.id

    async def renamed(self, account_id: str, first: str, last: str) -> CommandAccepted:
        return (await self.rename(NO_AUTH, RenameUserAccount(account_id, first, last))).unwrap()


ids = CountingIdGenerator()  # one sequence, so that no two nodes make the same id


async def test_a_create_reads_nothing() -> None:
    repository = CountingRepository()
    await Node(repository).created()
    assert (repository.loads, repository.stores) == (0, 1)


async def test_a_create_whose_id_is_taken_is_answered_from_the_loaded_state() -> None:
    repository = CountingRepository()
    taken = await Node(repository).created()

    class RepeatingIds(CountingIdGenerator):
        """Hands out the taken id as the next aggregate id."""

        def new_id(self) -> str:
            return taken

    runner = CommandRunner(repository, SteppingClock(), RepeatingIds())
    result = await CreateUserAccountUseCase(runner)(NO_AUTH, CreateUserAccount("C", "D", "c@d.ef"))
    assert result == Failure(AlreadyCreated())
    assert (repository.loads, repository.stores) == (1, 2)
    assert len(await repository.events_of(UserAccountId(taken))) == 1


async def test_commands_after_a_create_decide_on_the_cached_state() -> None:
    repository = CountingRepository()
    node = Node(repository)
    account_id = await node.created()
    assert (await node.renamed(account_id, "C", "D")).version == 2
    assert (await node.renamed(account_id, "E", "F")).version == 3
    assert (await node.delete(NO_AUTH, DeleteUserAccount(account_id))).unwrap().version == 4
    assert repository.loads == 0


async def test_a_miss_loads_once_and_then_hits() -> None:
    repository = CountingRepository()
    account_id = await Node(repository).created()
    other = Node(repository)
    await other.renamed(account_id, "C", "D")
    await other.renamed(account_id, "E", "F")
    assert repository.loads == 1


async def test_a_state_made_stale_by_another_node_conflicts_and_is_reloaded() -> None:
    repository = CountingRepository()
    first, second = Node(repository), Node(repository)
    account_id = await first.created()
    await second.renamed(account_id, "C", "D")  # first's cache still says version 1
    repository.loads = repository.stores = 0

    accepted = await first.renamed(account_id, "E", "F")

    assert accepted.version == 3
    assert (repository.loads, repository.stores) == (1, 2)
    state = first.cache.get(UserAccountId(account_id))
    assert state is not None
    assert state.version == 3
    assert [event.seq_nr for event in await repository.events_of(UserAccountId(account_id))] == [
        1,
        2,
        3,
    ]


async def test_a_refusal_on_a_cached_state_is_decided_again_on_the_loaded_state() -> None:
    repository = CountingRepository()
    first, second = Node(repository), Node(repository)
    account_id = await first.created("A", "B")
    await second.renamed(account_id, "C", "D")
    repository.loads = 0

    # first's cache says the name is already A B: a stale refusal, not to be answered.
    accepted = await first.renamed(account_id, "A", "B")

    assert accepted.version == 3
    assert repository.loads == 1


async def test_a_refusal_confirmed_by_the_loaded_state_is_answered() -> None:
    repository = CountingRepository()
    node = Node(repository)
    account_id = await node.created("A", "B")

    result = await node.rename(NO_AUTH, RenameUserAccount(account_id, "A", "B"))

    assert result == Failure(SameName())
    assert (repository.loads, repository.stores) == (1, 1)


async def test_an_evicted_state_is_loaded_again() -> None:
    repository = CountingRepository()
    node = Node(repository, cache_size=1)
    first_id = await node.created()
    await node.created()  # evicts the first account
    await node.renamed(first_id, "C", "D")
    assert repository.loads == 1
    assert len(node.cache) == 1


async def test_without_a_cache_every_command_on_an_account_loads_it() -> None:
    repository = CountingRepository()
    node = Node(repository, cache_size=0)
    account_id = await node.created()
    await node.renamed(account_id, "C", "D")
    await node.renamed(account_id, "E", "F")
    assert repository.loads == 2


async def test_a_failed_append_forgets_the_state_whose_fate_is_unknown() -> None:
    class FailingOnce(CountingRepository):
        failing = False

        async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
            if self.failing:
                self.failing = False
                raise ConnectionError("the reply was lost")
            await super().store(expected_version, events)

    repository = FailingOnce()
    node = Node(repository)
    account_id = await node.created()
    repository.failing = True
    with pytest.raises(ConnectionError):
        await node.rename(NO_AUTH, RenameUserAccount(account_id, "C", "D"))
    assert node.cache.get(UserAccountId(account_id)) is None
    assert (await node.renamed(account_id, "E", "F")).version == 2
    assert repository.loads == 1


async def test_concurrent_commands_of_one_node_on_one_account_all_land() -> None:
    repository = CountingRepository()
    node = Node(repository)
    account_id = await node.created()
    results = await asyncio.gather(
        *(node.rename(NO_AUTH, RenameUserAccount(account_id, f"N{i}", "X")) for i in range(4))
    )
    assert all(isinstance(result, Success) for result in results)
    assert sorted(result.unwrap().version for result in results) == [2, 3, 4, 5]
    assert len(await repository.events_of(UserAccountId(account_id))) == 5


async def test_a_deleted_account_in_the_cache_is_refused_after_a_reload() -> None:
    repository = CountingRepository()
    node = Node(repository)
    account_id = await node.created()
    await node.delete(NO_AUTH, DeleteUserAccount(account_id))
    result = await node.rename(NO_AUTH, RenameUserAccount(account_id, "C", "D"))
    assert isinstance(result, Failure)
    assert repository.loads == 1

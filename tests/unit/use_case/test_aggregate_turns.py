"""AggregateTurns: commands of one process on one aggregate run one at a time, others freely."""

import asyncio

import pytest

from domain.user_account import UserAccountId
from tests.support.callers import NO_AUTH
from tests.support.fakes import CountingIdGenerator, SteppingClock
from tests.unit.use_case.test_command_runner_cache import CountingRepository
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.aggregate_turns import AggregateTurns
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase

pytestmark = pytest.mark.unit

IDS = CountingIdGenerator()
FIRST, SECOND = UserAccountId(IDS.new_id()), UserAccountId(IDS.new_id())


async def test_a_second_command_on_an_aggregate_waits_for_the_first() -> None:
    turns = AggregateTurns()
    order: list[str] = []
    first_holds = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with turns.turn(FIRST):
            first_holds.set()
            await release.wait()
            order.append("first done")

    async def second() -> None:
        await first_holds.wait()
        async with turns.turn(FIRST):
            order.append("second runs")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_holds.wait()
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["first done", "second runs"]
    assert len(turns) == 0  # forgotten once nobody holds or waits


async def test_commands_on_different_aggregates_do_not_wait() -> None:
    turns = AggregateTurns()
    async with turns.turn(FIRST), turns.turn(SECOND):
        assert len(turns) == 2
    assert len(turns) == 0


async def test_a_failing_holder_releases_its_turn() -> None:
    turns = AggregateTurns()
    with pytest.raises(RuntimeError):
        async with turns.turn(FIRST):
            raise RuntimeError("boom")
    async with turns.turn(FIRST):
        pass
    assert len(turns) == 0


async def test_concurrent_renames_of_one_node_take_turns_without_conflicts() -> None:
    repository = CountingRepository()
    runner = CommandRunner(
        repository, SteppingClock(), IDS, cache=AggregateCache(10), turns=AggregateTurns()
    )
    account = (
        await CreateUserAccountUseCase(runner)(NO_AUTH, CreateUserAccount("A", "B", "a@b.cd"))
    ).unwrap()
    rename = RenameUserAccountUseCase(runner)
    results = await asyncio.gather(
        *(rename(NO_AUTH, RenameUserAccount(account.id, f"N{i}", "X")) for i in range(8))
    )
    assert sorted(result.unwrap().version for result in results) == list(range(2, 10))
    assert (repository.loads, repository.stores) == (0, 9)  # no conflict, nothing reloaded

"""The updater SIGKILLed at random moments while at least 2,000 commands run, and once more after
them, restarted each time: the read model ends exactly equal to a replay of the journal (every
account, field and version)."""

import asyncio
import random
import signal
from typing import Any

import asyncpg
import pytest

from tests.faults.read_model_sync import dead_letters, wait_read_model_equals_journal
from tests.faults.stack import FaultStack
from tests.support import fault_figures
from tests.support.background import Background
from tests.support.command_load import CommandLoad
from tests.support.journal_check import assert_commands_in_journal
from tests.support.service_process import ServiceProcess

pytestmark = pytest.mark.faults

Pool = "asyncpg.Pool[asyncpg.Record]"

COMMANDS = 2000
CONCURRENCY = 4
KILLS = 5
# A killed updater's shard lease must expire before the next one reads the shard: keep it short
# so that the updater is back at work soon after each restart.
LEASE_MS = "1000"
# Only stop a test that would hang: a restarted updater is at work again within seconds, and
# the commands take seconds.
AT_WORK_WITHIN_SECONDS = 60.0
LOAD_WITHIN_SECONDS = 300.0


async def test_an_updater_killed_again_and_again_ends_equal_to_the_journal(
    fault_stack: FaultStack,
    faults_dynamodb: Any,
    read_model_pool: "asyncpg.Pool[asyncpg.Record]",
    rng: random.Random,
    background: Background,
) -> None:
    api, updater = fault_stack.command_api(), fault_stack.updater(UPDATER_LEASE_MS=LEASE_MS)
    await asyncio.gather(fault_stack.started(api), fault_stack.started(updater))
    load = CommandLoad(fault_stack.commands(), rng, concurrency=CONCURRENCY)

    # The load goes on until every kill but the last has landed (and COMMANDS are sent): how
    # many kills land while commands run does not depend on how fast the machine is. Each
    # restarted updater resumes behind the journal, so a kill may also meet it catching up.
    sending = background.start(load.run())
    progress_at_kills = [0]
    for _ in range(KILLS - 1):
        progress_at_kills.append(
            await kill_at_work(updater, rng, read_model_pool, progress_at_kills[-1], 1.5)
        )
    await load.until(lambda: load.sent >= COMMANDS, within=LOAD_WITHIN_SECONDS)
    # More than the commands in flight at the last kill are acknowledged: one at least was sent
    # after it, so the restarted updater has more to apply.
    await load.until_acknowledged(CONCURRENCY + 1)
    load.stop()
    outcomes = await sending
    # The last kill: after the load, once the restarted updater is at work again (while it
    # catches up, or once it has).
    progress_at_kills.append(
        await kill_at_work(updater, rng, read_model_pool, progress_at_kills[-1], 0.3)
    )

    progress_at_kills = progress_at_kills[1:]
    assert len(progress_at_kills) == KILLS
    # Every kill interrupted an updater that had applied more since the one before.
    assert progress_at_kills == sorted(set(progress_at_kills)), progress_at_kills
    assert len(outcomes) >= COMMANDS
    assert all(outcome.acknowledged for outcome in outcomes), {o.error for o in outcomes}
    events = await wait_read_model_equals_journal(
        read_model_pool, faults_dynamodb, fault_stack.tables.journal, updater
    )
    verified = assert_commands_in_journal(events, outcomes)
    assert await dead_letters(read_model_pool) == 0
    assert await updater.terminate() == 0
    fault_figures.commands_verified(verified)


async def kill_at_work(
    updater: ServiceProcess, rng: random.Random, pool: Pool, than: int, at_most: float
) -> int:
    """Once the (re)started updater is at work (the read model is past `than`), SIGKILL it at a
    random moment within `at_most` seconds, and start it again after a random pause. Returns
    how far the read model was (the sum of its versions) at the kill."""
    await applied_past(pool, than, updater)
    await asyncio.sleep(rng.uniform(0.0, at_most))
    updater.signal(signal.SIGKILL)
    await updater.wait(within=10)
    progress = await applied(pool)
    fault_figures.fault_injected()
    print(f"killed with the read model at {progress}")
    await asyncio.sleep(rng.uniform(0.0, 0.5))
    updater.start()
    return progress


async def applied_past(pool: Pool, than: int, updater: ServiceProcess) -> None:
    """Wait until the read model is past `than`. It gets there: the journal holds events that
    came after the last kill, and every event applied adds one to a version."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + AT_WORK_WITHIN_SECONDS
    while await applied(pool) <= than:
        assert updater.running, f"the updater exited:\n{updater.tail()}"
        assert loop.time() < deadline, f"the updater applied nothing:\n{updater.tail()}"
        await asyncio.sleep(0.1)


async def applied(pool: Pool) -> int:
    total: int = await pool.fetchval("SELECT coalesce(sum(version), 0)::bigint FROM user_accounts")
    return total

"""The updater SIGKILLed at random points while 2,000 commands run, restarted each time: the read
model ends exactly equal to a replay of the journal (every account, field and version)."""

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

COMMANDS = 2000
CONCURRENCY = 4  # commands are fast: fewer at a time keep the load going through several kills
MIN_KILLS = 5
# A killed updater's shard lease must expire before the next one reads the shard: keep it short
# so that the updater is back at work soon after each restart.
LEASE_MS = "1000"
# After the load, a read model that stays still this long has caught up (a restarted updater
# waits for the killed one's lease, then applies within a second).
CAUGHT_UP_SECONDS = 5.0


async def test_an_updater_killed_again_and_again_ends_equal_to_the_journal(
    fault_stack: FaultStack,
    faults_dynamodb: Any,
    read_model_pool: "asyncpg.Pool[asyncpg.Record]",
    rng: random.Random,
    background: Background,
) -> None:
    api, updater = fault_stack.command_api(), fault_stack.updater(UPDATER_LEASE_MS=LEASE_MS)
    await asyncio.gather(fault_stack.started(api), fault_stack.started(updater))
    load = CommandLoad(fault_stack.commands(), rng, total=COMMANDS, concurrency=CONCURRENCY)

    sending = background.start(load.run())
    progress_at_kills = await kill_until_done(updater, sending, rng, read_model_pool)
    if not updater.running:
        updater.start()

    outcomes = sending.result()
    assert len(progress_at_kills) >= MIN_KILLS, progress_at_kills
    assert all(outcome.acknowledged for outcome in outcomes), {o.error for o in outcomes}
    events = await wait_read_model_equals_journal(
        read_model_pool, faults_dynamodb, fault_stack.tables.journal, updater
    )
    verified = assert_commands_in_journal(events, outcomes)
    assert await dead_letters(read_model_pool) == 0
    assert await updater.terminate() == 0
    fault_figures.commands_verified(verified)


async def kill_until_done(
    updater: ServiceProcess,
    sending: "asyncio.Task[Any]",
    rng: random.Random,
    pool: "asyncpg.Pool[asyncpg.Record]",
) -> list[int]:
    """While the load is sent, and after it until MIN_KILLS kills while the updater still catches
    up: once the (re)started updater is at work (it has applied more), SIGKILL it at a random
    moment, and start it again after a random pause. Returns how far the read model was (the sum
    of its versions) at each kill. (Commands got fast enough that the load alone can end before
    MIN_KILLS kills: the updater's catch-up afterwards is as good a time to kill it.)"""
    progress = [await applied(pool)]
    while not sending.done() or len(progress) <= MIN_KILLS:
        if not await applies_more(pool, progress[-1], sending):
            break  # the load is sent and the read model caught up: nothing left to interrupt
        if sending.done():
            await asyncio.sleep(rng.uniform(0.0, 0.3))
        else:
            await asyncio.wait({sending}, timeout=rng.uniform(0.0, 1.5))
        updater.signal(signal.SIGKILL)
        await updater.wait(within=10)
        progress.append(await applied(pool))
        fault_figures.fault_injected()
        await asyncio.sleep(rng.uniform(0.0, 0.5))
        updater.start()
    return progress[1:]


async def applies_more(
    pool: "asyncpg.Pool[asyncpg.Record]", than: int, sending: "asyncio.Task[Any]"
) -> bool:
    """Wait until the read model is past `than`; False once the load is sent and nothing more
    was applied for CAUGHT_UP_SECONDS."""
    quiet_since = asyncio.get_running_loop().time()
    while await applied(pool) <= than:
        now = asyncio.get_running_loop().time()
        if not sending.done():
            quiet_since = now
        elif now - quiet_since > CAUGHT_UP_SECONDS:
            return False
        await asyncio.sleep(0.1)
    return True


async def applied(pool: "asyncpg.Pool[asyncpg.Record]") -> int:
    total: int = await pool.fetchval("SELECT coalesce(sum(version), 0)::bigint FROM user_accounts")
    return total

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
CONCURRENCY = 8
MIN_KILLS = 5
# A killed updater's shard lease must expire before the next one reads the shard: keep it short
# so that the updater is back at work soon after each restart.
LEASE_MS = "1000"


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
    """Until the load is sent: once the (re)started updater is at work (it has applied more),
    SIGKILL it at a random moment, and start it again after a random pause. Returns how far the
    read model was (the sum of its versions) at each kill."""
    progress = [await applied(pool)]
    while not sending.done():
        while await applied(pool) <= progress[-1]:
            if sending.done():
                return progress[1:]
            await asyncio.sleep(0.1)
        await asyncio.wait({sending}, timeout=rng.uniform(0.0, 1.5))
        if sending.done():
            break
        updater.signal(signal.SIGKILL)
        await updater.wait(within=10)
        progress.append(await applied(pool))
        fault_figures.fault_injected()
        await asyncio.sleep(rng.uniform(0.0, 0.5))
        updater.start()
    return progress[1:]


async def applied(pool: "asyncpg.Pool[asyncpg.Record]") -> int:
    total: int = await pool.fetchval("SELECT coalesce(sum(version), 0)::bigint FROM user_accounts")
    return total

"""SIGTERM to each service under load: requests in flight complete or fail cleanly (none hangs),
each service exits 0, the updater checkpoints only what it applied, and nothing is lost after
the restarts."""

import asyncio
import random
import signal
import time
from typing import Any

import asyncpg
import pytest

from infrastructure.dynamodb import dynamodbstreams_client
from infrastructure.settings import Settings
from tests.faults.checkpoints import assert_checkpoints_applied, wait_for_a_checkpoint
from tests.faults.read_model_sync import dead_letters, wait_read_model_equals_journal
from tests.faults.stack import FaultStack
from tests.support import fault_figures
from tests.support.background import Background
from tests.support.command_client import CONNECTION_FAILED, CommandOutcome
from tests.support.command_load import CommandLoad
from tests.support.journal_check import assert_commands_in_journal
from tests.support.query_client import QueryAnswer, QueryClient
from tests.support.service_process import ServiceProcess

pytestmark = pytest.mark.faults

# aiohttp lets the handlers in flight finish before it exits.
EXIT_WITHIN_SECONDS = 15.0


async def test_sigterm_to_each_service_under_load_loses_nothing(
    fault_stack: FaultStack,
    faults_moto: Any,
    faults_dynamodb: Any,
    read_model_pool: "asyncpg.Pool[asyncpg.Record]",
    rng: random.Random,
    background: Background,
) -> None:
    command_api, query_api = fault_stack.command_api(), fault_stack.query_api()
    updater = fault_stack.updater()
    await asyncio.gather(*(fault_stack.started(p) for p in (command_api, query_api, updater)))
    load = CommandLoad(fault_stack.commands(), rng, concurrency=8)
    sending = background.start(load.run())
    reading = QueryLoad(QueryClient(fault_stack.session, fault_stack.query_url))
    querying = background.start(reading.run())
    await load.until_acknowledged(30)

    # The Command API: the commands in flight at the signal end, acknowledged or failed cleanly.
    signalled_at = await terminate(command_api)
    in_flight = [o for o in load.outcomes if o.started_at < signalled_at < o.started_at + o.seconds]
    await fault_stack.started(command_api)
    await load.until_acknowledged(30)

    # The Query API: the same for queries.
    await terminate(query_api)
    await fault_stack.started(query_api)
    await reading.until_answered(20)

    # The updater: it finishes the batch in hand and checkpoints it. (Once it has checkpointed
    # something, so that the check below has checkpoints to look at however slow its start was.)
    await wait_for_a_checkpoint(read_model_pool, fault_stack.tables.journal, updater)
    await terminate(updater)
    assert "read-model updater stopped" in updater.log()
    async with dynamodbstreams_client(
        Settings(dynamodb_endpoint_url=faults_moto.endpoint_url)
    ) as streams:
        checked = await assert_checkpoints_applied(
            read_model_pool, streams, fault_stack.tables.journal
        )
    assert checked > 0, "the updater checkpointed nothing"
    await load.until_acknowledged(20)
    updater.start()

    load.stop()
    reading.stop()
    outcomes, _ = await asyncio.gather(sending, querying)
    assert_clean(outcomes)
    print(f"in flight at the Command API's SIGTERM: {describe(in_flight)}")
    assert all(answer.status == 200 for answer in reading.answers)
    assert {answer.error for answer in reading.answers} == {None}
    events = await wait_read_model_equals_journal(
        read_model_pool, faults_dynamodb, fault_stack.tables.journal, updater
    )
    verified = assert_commands_in_journal(events, outcomes)
    assert await dead_letters(read_model_pool) == 0
    assert await updater.terminate() == 0
    fault_figures.commands_verified(verified)


async def terminate(process: ServiceProcess) -> float:
    """SIGTERM; asserts a clean exit (0) in time; returns when the signal was sent."""
    signalled_at = time.monotonic()
    process.signal(signal.SIGTERM)
    fault_figures.fault_injected()
    code = await process.wait(EXIT_WITHIN_SECONDS)
    assert code == 0, f"{process.module} exited with {code}:\n{process.tail()}"
    return signalled_at


def assert_clean(outcomes: list[CommandOutcome]) -> None:
    """Every command was acknowledged, or refused a connection while its server was down."""
    errors = {o.error for o in outcomes if not o.acknowledged}
    assert all(error and error.startswith(CONNECTION_FAILED) for error in errors), errors


def describe(outcomes: list[CommandOutcome]) -> str:
    acknowledged = sum(o.acknowledged for o in outcomes)
    return f"{len(outcomes)} ({acknowledged} acknowledged, {len(outcomes) - acknowledged} failed)"


class QueryLoad:
    """Queries, four at a time, until stopped; connection failures (the server down) are only
    counted."""

    def __init__(self, queries: QueryClient) -> None:
        self._queries = queries
        self._stop = asyncio.Event()
        self._answered = asyncio.Condition()
        self.answers: list[QueryAnswer] = []
        self.refused = 0

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        await asyncio.gather(*(self._worker() for _ in range(4)))

    async def until_answered(self, count: int, within: float = 30.0) -> None:
        target = len(self.answers) + count
        async with asyncio.timeout(within), self._answered:
            await self._answered.wait_for(lambda: len(self.answers) >= target)

    async def _worker(self) -> None:
        while not self._stop.is_set():
            answer = await self._queries.list_accounts()
            if answer.status == 0:
                self.refused += 1
                await asyncio.sleep(0.05)
            else:
                async with self._answered:
                    self.answers.append(answer)
                    self._answered.notify_all()

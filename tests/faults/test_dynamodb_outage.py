"""The DynamoDB endpoint (the durable local emulator) stopped and started again under load:
mutations fail with a clean INTERNAL_ERROR in bounded time meanwhile, no partial write is ever
visible, the Command API recovers by itself, and the updater follows the replayed stream."""

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from devstack.postgres_server import PostgresServer
from infrastructure.dynamodb import dynamodb_client
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_tables import ensure_key_table, ensure_tables
from tests.faults.read_model_sync import dead_letters, wait_read_model_equals_journal
from tests.faults.stack import FaultStack
from tests.support import fault_figures
from tests.support.background import Background
from tests.support.command_load import CommandLoad
from tests.support.dynamodb_process import DynamoDbProcess
from tests.support.journal_check import assert_commands_in_journal, tag_of
from tests.support.moto_server import DynamoDbTables

pytestmark = pytest.mark.faults

# The outage lasts this long, and at least until a command has failed and the readiness route
# has been probed meanwhile (however slow the machine, what is asserted about the outage happened
# during it).
OUTAGE_SECONDS = 6.0
# The DynamoDB client gives up after ~6 s at most (3 attempts of a 2 s connect, with backoff
# between them). The bound is generous so that a busy machine does not reach it, and still tells
# a client that gives up from one that waits out its read timeout on every attempt (which the
# server's time limit would end first).
FAIL_WITHIN_SECONDS = 20.0
# Only stop a test that would hang: commands are acknowledged within seconds of the restart,
# and the outage's conditions are met within seconds of OUTAGE_SECONDS.
RECOVERY_WITHIN_SECONDS = 60.0
OVERRUN_AT_MOST_SECONDS = 60.0
TABLES = DynamoDbTables(journal="journal", snapshot="snapshot")


@pytest.fixture
async def local_dynamodb(tmp_path: Path) -> AsyncIterator[DynamoDbProcess]:
    server = DynamoDbProcess.local_dynamodb(tmp_path / "dynamodb")
    try:
        await server.start()
        async with dynamodb_client(Settings(dynamodb_endpoint_url=server.endpoint_url)) as client:
            await ensure_tables(client, TABLES.journal, TABLES.snapshot)
            await ensure_key_table(client, TABLES.keys)
        yield server
    finally:
        server.close()


async def test_a_dynamodb_outage_fails_cleanly_and_the_command_api_recovers(
    local_dynamodb: DynamoDbProcess,
    faults_postgres: PostgresServer,
    read_model_pool: "asyncpg.Pool[asyncpg.Record]",
    http: aiohttp.ClientSession,
    rng: random.Random,
    background: Background,
) -> None:
    stack = FaultStack(local_dynamodb.endpoint_url, faults_postgres.database_url, TABLES, http)
    try:
        await run_the_outage(stack, local_dynamodb, read_model_pool, rng, background)
    finally:
        stack.close()


async def run_the_outage(
    stack: FaultStack,
    dynamodb: DynamoDbProcess,
    read_model_pool: "asyncpg.Pool[asyncpg.Record]",
    rng: random.Random,
    background: Background,
) -> None:
    command_api, updater = stack.command_api(), stack.updater()
    await asyncio.gather(stack.started(command_api), stack.started(updater))
    load = CommandLoad(stack.commands(), rng, concurrency=4)
    sending = background.start(load.run())
    await load.until_acknowledged(25)
    stream_before = await stream_arn(dynamodb)

    await dynamodb.stop()
    fault_figures.fault_injected()
    stopped_at = time.monotonic()
    sent_before = len(load.outcomes)

    def outage_done() -> bool:
        failed = any(
            not o.acknowledged and o.started_at >= stopped_at for o in load.outcomes[sent_before:]
        )
        return failed and time.monotonic() >= stopped_at + OUTAGE_SECONDS

    readiness = await not_ready_until(stack, outage_done, stopped_at + OVERRUN_AT_MOST_SECONDS)
    during = load.outcomes[sent_before:]
    await dynamodb.start()
    restarted_at = time.monotonic()

    # The Command API recovers by itself: commands are acknowledged again.
    await load.until_acknowledged(25, within=RECOVERY_WITHIN_SECONDS)
    load.stop()
    outcomes = await sending
    failed = [o for o in during if not o.acknowledged]
    # Sent once DynamoDB was down: their time is the client's giving up alone (the time of
    # those in flight at the stop includes the stop's own).
    sent_while_down = [o for o in failed if o.started_at >= stopped_at]
    assert sent_while_down, "no command was tried while DynamoDB was down"
    assert max(o.seconds for o in sent_while_down) < FAIL_WITHIN_SECONDS
    assert {o.error for o in outcomes if not o.acknowledged} == {"INTERNAL_ERROR"}
    assert readiness, "the readiness route was not probed during the outage"
    assert all(status == 503 for status in readiness), readiness
    # The replay gave the journal a new stream (new shards): the updater follows it below.
    assert await stream_arn(dynamodb) != stream_before

    async with dynamodb_client(Settings(dynamodb_endpoint_url=dynamodb.endpoint_url)) as client:
        events = await wait_read_model_equals_journal(
            read_model_pool, client, TABLES.journal, updater
        )
    # No partial write: every history is gap-free, each acknowledged command is in it once, a
    # failed one at most once (the reply of a write that landed may be what got lost).
    verified = assert_commands_in_journal(events, outcomes)
    landed = {tag_of(event) for event in events} & {o.tag for o in outcomes if o.error}
    print(
        f"outage {restarted_at - stopped_at:.1f} s: {len(failed)} commands failed cleanly "
        f"(the slowest sent during the outage in "
        f"{max(o.seconds for o in sent_while_down):.2f} s, of all "
        f"{max(o.seconds for o in failed):.2f} s), "
        f"{len(landed)} of all failed ones had landed nonetheless"
    )
    assert await dead_letters(read_model_pool) == 0
    assert await updater.terminate() == 0
    fault_figures.commands_verified(verified)


async def not_ready_until(
    stack: FaultStack, done: Callable[[], bool], at_most_until: float
) -> list[int]:
    """The Command API's readiness answers (HTTP statuses), one at least, until `done()`."""
    statuses: list[int] = []
    while not statuses or not done():
        assert time.monotonic() < at_most_until, f"the outage's conditions never held: {statuses}"
        async with stack.session.get(f"{stack.command_url}/api/health/ready") as response:
            statuses.append(response.status)
            body = await response.json()
            assert "dynamodb" in body["checks"], body
        await asyncio.sleep(0.5)
    return statuses


async def stream_arn(dynamodb: DynamoDbProcess) -> str:
    async with dynamodb_client(Settings(dynamodb_endpoint_url=dynamodb.endpoint_url)) as client:
        arn: str = (await client.describe_table(TableName=TABLES.journal))["Table"][
            "LatestStreamArn"
        ]
        return arn

"""Two updater processes on one stream: one reads under a lease, the other takes over when the
first is killed, within two lease times, and the read model loses and doubles nothing."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest

from tests.e2e.read_model_updater.conftest import StartUpdater, entries_with, wait_until
from tests.e2e.read_model_updater.test_stream_poller import (
    Pool,
    Writer,
    has_rows,
    stream_arn,
    wait_in_sync,
)
from tests.support.moto_server import DynamoDbTables
from tests.support.updater_process import UpdaterProcess
from tests.support.write_side import WriteSide

pytestmark = pytest.mark.e2e

LEASE_MS = 3000


@pytest.fixture
async def lease_table(dynamodb: Any) -> AsyncIterator[str]:
    name = f"leases-{uuid4().hex[:12]}"
    yield name
    if name in (await dynamodb.list_tables())["TableNames"]:
        await dynamodb.delete_table(TableName=name)


async def lease_owner(dynamodb: Any, table: str, arn: str) -> str | None:
    """The owner of the (single, in moto) shard's lease of the stream, if any."""
    if table not in (await dynamodb.list_tables())["TableNames"]:
        return None
    response = await dynamodb.query(
        TableName=table,
        KeyConditionExpression="stream_arn = :arn",
        ExpressionAttributeValues={":arn": {"S": arn}},
        ConsistentRead=True,
    )
    owners = [item["lease_owner"]["S"] for item in response["Items"] if "lease_owner" in item]
    return owners[0] if owners else None


def pid_of(owner: str | None) -> int | None:
    return None if owner is None else int(owner.split(":")[1])


async def test_a_killed_lease_holder_is_replaced_within_two_lease_times(
    start_updater: StartUpdater,
    write: WriteSide,
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
    lease_table: str,
) -> None:
    settings = {"UPDATER_LEASE_MS": str(LEASE_MS), "LEASE_TABLE_NAME": lease_table}
    first = start_updater(**settings)
    writer = Writer(write)
    writing = asyncio.create_task(writer.run())
    await wait_until(lambda: has_rows(clean_postgres), 15, "first rows", first)
    arn = await stream_arn(dynamodb, dynamodb_tables.journal)
    assert pid_of(await lease_owner(dynamodb, lease_table, arn)) == first.pid

    second = start_updater(**settings)
    await wait_until(lambda: standing_by(second), 15, "the second updater standing by", second)
    await asyncio.sleep(LEASE_MS / 1000)  # both run side by side for a while: only one reads
    assert entries_with(second, "reading shard") == []
    assert pid_of(await lease_owner(dynamodb, lease_table, arn)) == first.pid

    first.kill()  # SIGKILL: no release, no last checkpoint
    killed_at = time.monotonic()

    async def second_holds() -> bool:
        return pid_of(await lease_owner(dynamodb, lease_table, arn)) == second.pid

    await wait_until(second_holds, 3 * LEASE_MS / 1000, "the takeover", second)
    takeover_seconds = time.monotonic() - killed_at
    assert takeover_seconds < 2 * LEASE_MS / 1000
    created_at_takeover = writer.created
    await asyncio.sleep(0.5)  # more events after the takeover
    writer.stop.set()
    await writing
    assert writer.created > created_at_takeover

    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, second, within=20)
    [reading] = entries_with(second, "reading shard")
    # It went on from the checkpoint the first one left, not from the stream's start.
    assert reading["after_sequence_number"] != "TRIM_HORIZON"
    assert second.terminate() == 0
    assert await clean_postgres.fetchval("SELECT count(*) FROM dead_letters") == 0
    # Stopping released the lease: another updater could take it at once.
    assert await lease_owner(dynamodb, lease_table, arn) is None
    print(f"takeover after SIGKILL: {takeover_seconds:.2f} s (lease {LEASE_MS} ms)")


async def standing_by(updater: UpdaterProcess) -> bool:
    return bool(entries_with(updater, "another updater holds the lease of a shard; standing by"))

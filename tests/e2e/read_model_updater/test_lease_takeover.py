"""Two updater processes on one stream: one reads under a lease, the other takes over when the
first is killed, once its lease ran out, and the read model loses and doubles nothing. (How soon
after is asserted in virtual time, in tests/unit/stream/test_stream_poller_leases.py: here it
is only printed, as it measures the machine as much as the code.)"""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
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


async def lease_item(dynamodb: Any, table: str, arn: str) -> dict[str, Any] | None:
    """The lease item of the (single, in moto) shard of the stream, if any."""
    if table not in (await dynamodb.list_tables())["TableNames"]:
        return None
    response = await dynamodb.query(
        TableName=table,
        KeyConditionExpression="stream_arn = :arn",
        ExpressionAttributeValues={":arn": {"S": arn}},
        ConsistentRead=True,
    )
    items: list[dict[str, Any]] = response["Items"]
    return items[0] if items else None


async def lease_owner(dynamodb: Any, table: str, arn: str) -> str | None:
    """The owner of the (single, in moto) shard's lease of the stream, if any."""
    item = await lease_item(dynamodb, table, arn)
    return None if item is None or "lease_owner" not in item else str(item["lease_owner"]["S"])


async def lease_counter(dynamodb: Any, table: str, arn: str) -> int:
    """How many times the lease was written (taken, renewed, released)."""
    item = await lease_item(dynamodb, table, arn)
    return 0 if item is None else int(item["lease_counter"]["N"])


def pid_of(owner: str | None) -> int | None:
    return None if owner is None else int(owner.split(":")[1])


async def test_a_killed_lease_holder_is_replaced_once_its_lease_ran_out(
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
    await wait_until(lambda: has_rows(clean_postgres), what="first rows", process=first)
    arn = await stream_arn(dynamodb, dynamodb_tables.journal)
    assert pid_of(await lease_owner(dynamodb, lease_table, arn)) == first.pid

    second = start_updater(**settings)
    await wait_until(
        lambda: standing_by(second), what="the second updater standing by", process=second
    )
    # Both run side by side for several renewals of the first one's lease: only one reads.
    counter = await lease_counter(dynamodb, lease_table, arn)

    async def renewed_thrice() -> bool:
        return await lease_counter(dynamodb, lease_table, arn) >= counter + 3

    await wait_until(renewed_thrice, what="three renewals", process=first)
    assert entries_with(second, "reading shard") == []
    assert pid_of(await lease_owner(dynamodb, lease_table, arn)) == first.pid

    first.kill()  # SIGKILL: no release, no last checkpoint
    killed_at = time.monotonic()
    killed_lease = await lease_item(dynamodb, lease_table, arn)
    assert killed_lease is not None

    async def second_holds() -> bool:
        return pid_of(await lease_owner(dynamodb, lease_table, arn)) == second.pid

    await wait_until(second_holds, what="the takeover", process=second)
    takeover_seconds = time.monotonic() - killed_at
    # Not before the killed holder's lease had run out (its last renewal, or a later one that
    # was on its way at the kill: the lease ran out after that).
    [took] = entries_with(second, "took the lease of a shard")
    took_at_ms = datetime.fromisoformat(took["time"]).timestamp() * 1000
    assert took_at_ms > int(killed_lease["expires_at"]["N"])
    created_at_takeover = writer.created

    async def more_written() -> bool:
        return writer.created > created_at_takeover + 2

    await wait_until(more_written, what="more events after the takeover")
    writer.stop.set()
    await writing
    assert writer.created > created_at_takeover

    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, second)
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

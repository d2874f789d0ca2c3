"""The local updater process against moto and PostgreSQL: delivery, restarts, failures, stops."""

import asyncio
import base64
import contextlib
import json
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from devstack.postgres_server import PostgresServer, PostgresServerConfig
from domain.user_account import UserAccountId, UserAccountName, UserAccountRenamed
from infrastructure.migrations import migrate
from infrastructure.postgres_pool import create_pool
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.dynamodb_tables import ensure_tables
from interface_adapter.event_store.journal_item import to_journal_item
from tests.e2e.read_model_updater.conftest import (
    WITHIN_SECONDS,
    StartUpdater,
    entries_with,
    journal_events,
    stream_sequence_numbers,
    wait_until,
)
from tests.support.data_keys import journal_data_keys
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.read_model_rows import replayed_rows, stored_rows
from tests.support.stream_events import CORRUPT_PAYLOAD
from tests.support.updater_process import UpdaterProcess
from tests.support.write_side import WriteSide

pytestmark = pytest.mark.e2e

Pool = "asyncpg.Pool[asyncpg.Record]"


async def some_history(write: WriteSide, accounts: int = 4) -> list[UserAccountId]:
    ids = [
        await write.create(f"First{n}", f"Last{n}", f"user{n}@example.com") for n in range(accounts)
    ]
    await write.rename(ids[0], "山田", "太郎 🎉")
    await write.rename(ids[0], "Taro", "Yamada")
    await write.delete(ids[1])
    return ids


async def in_sync(
    pool: Pool, dynamodb: Any, table: str, excluding: frozenset[UserAccountId] = frozenset()
) -> bool:
    """The read model holds exactly the rows of a replay of the journal (but `excluding`)."""
    events = await journal_events(dynamodb, table)
    expected = await replayed_rows([e for e in events if e.aggregate_id not in excluding])
    return await stored_rows(pool) == expected


async def wait_in_sync(
    pool: Pool,
    dynamodb: Any,
    table: str,
    process: UpdaterProcess,
    within: float = WITHIN_SECONDS,
    excluding: frozenset[UserAccountId] = frozenset(),
) -> None:
    await wait_until(
        lambda: in_sync(pool, dynamodb, table, excluding),
        within,
        "read model = journal replay",
        process,
    )


async def checkpoints(pool: Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM stream_checkpoints ORDER BY stream_arn, shard_id")


async def stream_arn(dynamodb: Any, table: str) -> str:
    arn: str = (await dynamodb.describe_table(TableName=table))["Table"]["LatestStreamArn"]
    return arn


async def test_written_events_appear_and_sigterm_exits_0_after_checkpointing(
    start_updater: StartUpdater,
    write: WriteSide,
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodbstreams: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    updater = start_updater()
    await some_history(write)
    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, updater)
    # It keeps following the stream.
    late = await write.create("Late", "Comer", "late@example.com")
    await write.rename(late, "Later", "Comer")
    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, updater)

    assert updater.terminate() == 0
    arn = await stream_arn(dynamodb, dynamodb_tables.journal)
    [checkpoint] = await checkpoints(clean_postgres)
    assert checkpoint["stream_arn"] == arn
    assert (
        checkpoint["last_sequence_number"]
        == (await stream_sequence_numbers(dynamodbstreams, arn))[-1]
    )
    assert checkpoint["finished_at"] is None
    progress = entries_with(updater, "stream progress")
    assert sum(entry["applied"] for entry in progress) == 7 + 2
    assert all("lag_ms" in entry for entry in progress)
    assert "read-model updater stopped" in updater.messages()
    assert await clean_postgres.fetchval("SELECT count(*) FROM dead_letters") == 0


async def test_a_killed_updater_restarted_loses_and_doubles_nothing(
    start_updater: StartUpdater,
    write: WriteSide,
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    first = start_updater()
    writer = Writer(write)
    writing = asyncio.create_task(writer.run())
    await wait_until(lambda: has_rows(clean_postgres), what="first rows", process=first)
    await wait_until(lambda: writer.created_more_than(0), what="a write acknowledged")
    await asyncio.sleep(0.3)
    first.kill()  # SIGKILL: mid-stream, with no chance to finish its batch or checkpoint
    created_at_kill = writer.created
    await asyncio.sleep(0.3)
    second = start_updater()
    # More events while the second one starts (a few writes, however long they take).
    await wait_until(lambda: writer.created_more_than(created_at_kill + 2), what="more writes")
    writer.stop.set()
    await writing
    assert 0 < created_at_kill < writer.created
    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, second)
    assert second.terminate() == 0
    assert await clean_postgres.fetchval("SELECT count(*) FROM dead_letters") == 0


class Writer:
    """Creates, renames and deletes accounts until told to stop."""

    def __init__(self, write: WriteSide) -> None:
        self.write = write
        self.created = 0
        self.stop = asyncio.Event()

    async def created_more_than(self, count: int) -> bool:
        return self.created > count

    async def run(self) -> None:
        while not self.stop.is_set():
            n = self.created
            account = await self.write.create(f"Name{n}", "Writer", f"w{n}@example.com")
            self.created += 1
            await self.write.rename(account, f"Renamed{n}", "Writer")
            if n % 3 == 0:
                await self.write.delete(account)


async def has_rows(pool: Pool) -> bool:
    return bool(await pool.fetchval("SELECT count(*) FROM user_accounts"))


async def test_an_undecodable_record_is_parked_while_the_others_are_applied(
    start_updater: StartUpdater,
    write: WriteSide,
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodbstreams: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    before = await write.create("Before", "Broken", "before@example.com")
    broken = UserAccountId("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
    await dynamodb.put_item(
        TableName=dynamodb_tables.journal,
        Item={
            "pkey": {"S": f"UserAccount-{broken.value}"},
            "skey": {"N": "1"},
            "aggregate_id": {"S": broken.value},
            "payload": {"B": CORRUPT_PAYLOAD},
        },
    )
    after = await write.create("After", "Broken", "after@example.com")
    await write.rename(before, "Still", "Applied")
    updater = start_updater()

    async def parked(count: int) -> bool:
        return await clean_postgres.fetchval("SELECT count(*) FROM dead_letters") == count

    await wait_until(lambda: parked(1), what="one dead letter", process=updater)
    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, updater)
    letter = await clean_postgres.fetchrow("SELECT * FROM dead_letters")
    assert letter["aggregate_id"] == broken.value
    assert letter["attempts"] == 5
    assert "DeserializationError" in letter["error"]
    assert letter["first_failed_at"] < letter["last_failed_at"]
    record = json_record(letter["record"])
    assert record["eventName"] == "INSERT"
    assert record["eventSourceARN"] == await stream_arn(dynamodb, dynamodb_tables.journal)
    new_image = record["dynamodb"]["NewImage"]
    assert base64.b64decode(new_image["payload"]["B"]) == CORRUPT_PAYLOAD
    assert record["dynamodb"]["SequenceNumber"] == letter["sequence_number"]

    # A later event of the broken aggregate cannot be applied without its first one: it is
    # parked at its first failure, and the stream goes on.
    second = await write_renamed_event(dynamodb, dynamodb_tables.journal, broken)
    await write.rename(after, "Also", "Applied")
    await wait_until(lambda: parked(2), what="a second dead letter", process=updater)
    await wait_in_sync(
        clean_postgres, dynamodb, dynamodb_tables.journal, updater, excluding=frozenset({broken})
    )
    assert broken not in await stored_rows(clean_postgres)
    letter = await clean_postgres.fetchrow("SELECT * FROM dead_letters ORDER BY id DESC LIMIT 1")
    assert (letter["aggregate_id"], letter["attempts"]) == (broken.value, 1)
    assert "already has parked records" in letter["error"]
    parked_record = json_record(letter["record"])
    assert parked_record["dynamodb"]["Keys"]["skey"] == {"N": str(second)}
    # The dead letter holds the record as it came: V2, its names sealed.
    parked_image = parked_record["dynamodb"]["NewImage"]
    assert parked_image["event_version"] == {"S": "V2"}
    assert b"Broken" not in base64.b64decode(parked_image["payload"]["B"])
    assert updater.terminate() == 0
    [checkpoint] = await checkpoints(clean_postgres)
    arn = await stream_arn(dynamodb, dynamodb_tables.journal)
    last = (await stream_sequence_numbers(dynamodbstreams, arn))[-1]
    assert checkpoint["last_sequence_number"] == last


def json_record(value: Any) -> dict[str, Any]:
    """asyncpg hands jsonb over as text."""
    loaded: dict[str, Any] = json.loads(value)
    return loaded


async def write_renamed_event(dynamodb: Any, table: str, account_id: UserAccountId) -> int:
    """A well-formed second event of `account_id`, put straight into the journal."""
    event = UserAccountRenamed(
        event_id=UlidGenerator().new_id(),
        aggregate_id=account_id,
        seq_nr=2,
        occurred_at=datetime.now(UTC),
        old_name=UserAccountName("Broken", "Account"),
        new_name=UserAccountName("Renamed", "Account"),
    )
    # The account's first item is broken, so it has no key yet: create is find-or-make.
    key = await journal_data_keys(dynamodb, table).create(account_id.value)
    await dynamodb.put_item(TableName=table, Item=to_journal_item(event, key))
    return event.seq_nr


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL of this test alone, which it may stop and start again."""
    base_dir = Path(tempfile.mkdtemp(prefix="pcqrses-test-outage-"))
    server = PostgresServer(
        PostgresServerConfig(data_dir=base_dir / "data", port=free_port(), fast_unsafe=True)
    )
    try:
        server.start()
        migrate(server.database_url)
        yield server
    finally:
        server.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


async def test_a_postgres_outage_delays_but_loses_nothing(
    start_updater: StartUpdater,
    write: WriteSide,
    own_postgres: PostgresServer,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    updater = start_updater(DATABASE_URL=own_postgres.database_url)
    async with pool_on(own_postgres.database_url) as pool:
        ids = await some_history(write)
        await wait_in_sync(pool, dynamodb, dynamodb_tables.journal, updater)
    await asyncio.to_thread(own_postgres.stop)
    for account in ids[2:]:
        await write.rename(account, "Written", "During the outage")
    await write.create("Created", "During the outage", "outage@example.com")
    await wait_until(
        lambda: retried_at_least(updater, 5), what="retries during the outage", process=updater
    )
    await asyncio.to_thread(own_postgres.start)
    async with pool_on(own_postgres.database_url) as pool:
        await wait_in_sync(pool, dynamodb, dynamodb_tables.journal, updater)
        assert await pool.fetchval("SELECT count(*) FROM dead_letters") == 0
    assert updater.terminate() == 0


@contextlib.asynccontextmanager
async def pool_on(database_url: str) -> AsyncIterator[Pool]:
    pool = await create_pool(database_url, min_size=0, max_size=2)
    try:
        yield pool
    finally:
        await pool.close()


async def retried_at_least(updater: UpdaterProcess, count: int) -> bool:
    retries = entries_with(updater, "the read model or the journal is unavailable; retrying")
    return len(retries) >= count


async def test_checkpoints_of_vanished_shards_restart_the_stream_from_trim_horizon(
    start_updater: StartUpdater,
    write: WriteSide,
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodbstreams: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    await some_history(write)
    arn = await stream_arn(dynamodb, dynamodb_tables.journal)
    [shard] = (await dynamodbstreams.describe_stream(StreamArn=arn))["StreamDescription"]["Shards"]
    # The live shard's checkpoint is past everything (nothing would be read after it), and
    # another names a shard the stream does not have: the stream was rebuilt under us.
    await clean_postgres.executemany(
        "INSERT INTO stream_checkpoints (stream_arn, shard_id, table_name, last_sequence_number)"
        " VALUES ($1, $2, $3, $4)",
        [
            (arn, shard["ShardId"], dynamodb_tables.journal, "9" * 30),
            (arn, "shardId-00000000000000000000-vanished", dynamodb_tables.journal, "1"),
        ],
    )
    updater = start_updater()
    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, updater)
    assert [cp["shard_id"] for cp in await checkpoints(clean_postgres)] == [shard["ShardId"]]
    assert entries_with(
        updater,
        "checkpoints name shards that no longer exist; reading the stream again from "
        "TRIM_HORIZON (applying is idempotent)",
    )
    assert updater.terminate() == 0


async def test_a_recreated_table_is_followed_from_its_trim_horizon(
    start_updater: StartUpdater,
    write: WriteSide,
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    updater = start_updater()
    ids = await some_history(write)
    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, updater)
    old_arn = await stream_arn(dynamodb, dynamodb_tables.journal)
    # What the local emulator's replay does: a new table (a new stream) with the same items.
    items = (await dynamodb.scan(TableName=dynamodb_tables.journal, ConsistentRead=True))["Items"]
    await dynamodb.delete_table(TableName=dynamodb_tables.journal)
    await ensure_tables(dynamodb, dynamodb_tables.journal, dynamodb_tables.snapshot)
    for item in items:
        await dynamodb.put_item(TableName=dynamodb_tables.journal, Item=item)
    await write.rename(ids[0], "After", "The Replay")
    await write.create("New", "Stream", "new@example.com")
    new_arn = await stream_arn(dynamodb, dynamodb_tables.journal)
    assert new_arn != old_arn

    await wait_in_sync(clean_postgres, dynamodb, dynamodb_tables.journal, updater)
    assert updater.terminate() == 0
    assert [cp["stream_arn"] for cp in await checkpoints(clean_postgres)] == [new_arn]
    progress = entries_with(updater, "stream progress")
    # The replayed items came again and were skipped as duplicates.
    assert sum(entry["duplicates"] for entry in progress) == len(items)

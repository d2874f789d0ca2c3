"""`python -m apps.admin dead-letters|checkpoints|status` as an operator runs them, against
PostgreSQL and moto: what they print for a script (--json), what they change, exit statuses."""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from botocore.exceptions import ClientError

from domain.user_account import UserAccountErased, UserAccountId
from infrastructure.dynamodb import dynamodbstreams_client
from infrastructure.settings import Settings
from infrastructure.stream_consumer import (
    DeadLetter,
    DynamoDbLeaseTable,
    LeaseKey,
    PostgresCheckpointStore,
    ShardRef,
    as_lambda_record,
)
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.personal_data.erased_keys import DestroyErasedKeys
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.data_keys import journal_data_keys
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.read_model_rows import stored_rows
from tests.support.stream_events import CORRUPT_PAYLOAD
from tests.support.write_side import WriteSide
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.integration

Pool = "asyncpg.Pool[asyncpg.Record]"
SRC = Path(__file__).resolve().parents[3] / "src"
T0 = datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
BROKEN_ID = "01JD0000000000000000000000"


@dataclass
class Admin:
    """The commands' environment: the test's tables, the session's PostgreSQL and moto."""

    env: dict[str, str]
    journal: DynamoDbUserAccountRepository
    pool: "asyncpg.Pool[asyncpg.Record]"
    dynamodb: Any
    streams: Any
    tables: DynamoDbTables
    lease_table: str

    async def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "apps.admin", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    async def json(self, *args: str) -> Any:
        result = await self.run(*args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    async def stream(self) -> tuple[str, str]:
        """The journal's stream ARN and its (one) shard id."""
        arn = (await self.dynamodb.describe_table(TableName=self.tables.journal))["Table"][
            "LatestStreamArn"
        ]
        shards = (await self.streams.describe_stream(StreamArn=arn))["StreamDescription"]["Shards"]
        return arn, shards[0]["ShardId"]

    async def records(self) -> list[dict[str, Any]]:
        """Every record of the shard so far, as GetRecords gives them."""
        arn, shard_id = await self.stream()
        iterator = (
            await self.streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
            )
        )["ShardIterator"]
        records: list[dict[str, Any]] = []
        while True:
            answer = await self.streams.get_records(ShardIterator=iterator, Limit=1000)
            if not answer["Records"]:
                return records
            records += answer["Records"]
            iterator = answer["NextShardIterator"]

    async def park(self, record: dict[str, Any], entity_id: str | None) -> None:
        arn, shard_id = await self.stream()
        number = record["dynamodb"]["SequenceNumber"]
        letter = DeadLetter(number, entity_id, as_lambda_record(record, arn), "broken", 5, T0, T0)
        ref = ShardRef(arn, shard_id, self.tables.journal, None)
        await PostgresCheckpointStore(self.pool).commit(ref, None, [letter])

    async def write_broken_item(self) -> None:
        await self.dynamodb.put_item(
            TableName=self.tables.journal,
            Item={
                "pkey": {"S": f"UserAccount-{BROKEN_ID}"},
                "skey": {"N": "1"},
                "event_type": {"S": "UserAccountEvent.Created"},
                "event_version": {"S": "V1"},
                "payload": {"B": CORRUPT_PAYLOAD},
            },
        )


@pytest.fixture
async def admin(
    moto_endpoint: str,
    moto_settings: Settings,
    postgres_url: str,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
    clean_postgres: Pool,
) -> AsyncIterator[Admin]:
    lease_table = f"leases-{uuid4().hex[:12]}"
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DYNAMODB_ENDPOINT_URL": moto_endpoint,
        "DATABASE_URL": postgres_url,
        "JOURNAL_TABLE_NAME": dynamodb_tables.journal,
        "SNAPSHOT_TABLE_NAME": dynamodb_tables.snapshot,
        "KEY_TABLE_NAME": dynamodb_tables.keys,
        "LEASE_TABLE_NAME": lease_table,
        "LOG_FORMAT": "console",
    }
    journal = DynamoDbUserAccountRepository(
        dynamodb,
        dynamodb_tables.journal,
        dynamodb_tables.snapshot,
        snapshot_interval=100,
        data_keys=journal_data_keys(dynamodb, dynamodb_tables.journal),
    )
    async with dynamodbstreams_client(moto_settings) as streams:
        yield Admin(env, journal, clean_postgres, dynamodb, streams, dynamodb_tables, lease_table)
    with contextlib.suppress(ClientError):  # never created: no command needed a lease
        await dynamodb.delete_table(TableName=lease_table)


async def test_dead_letters_are_listed_retried_and_purged(admin: Admin) -> None:
    account = await WriteSide(admin.journal).create("Taro", "Yamada", "taro@example.com")
    await admin.write_broken_item()
    good, broken = await admin.records()
    await admin.park(good, account.value)
    await admin.park(broken, BROKEN_ID)

    listed = await admin.json("dead-letters", "list")
    assert [entry["account_id"] for entry in listed] == [account.value, BROKEN_ID]
    assert {entry["event_type"] for entry in listed} == {"UserAccountEvent.Created"}
    good_id, broken_id = (entry["id"] for entry in listed)
    assert "Taro" not in json.dumps(listed)

    applied = await admin.run("dead-letters", "retry", str(good_id))
    assert applied.returncode == 0, applied.stderr
    rows = await stored_rows(admin.pool)
    assert (rows[UserAccountId(account.value)].first_name, len(rows)) == ("Taro", 1)

    again = await admin.run("dead-letters", "retry", str(broken_id))
    assert again.returncode == 1
    assert f"✗ {broken_id} failed again: DeserializationError" in again.stdout
    shown = await admin.json("dead-letters", "show", str(broken_id))
    assert (shown["attempts"], shown["error"][:20]) == (6, "DeserializationError")
    assert [entry["id"] for entry in await admin.json("dead-letters", "list")] == [broken_id]

    declined = await admin.run("dead-letters", "purge", "--all", stdin="no\n")
    assert declined.returncode == 1
    assert len(await admin.json("dead-letters", "list")) == 1
    purged = await admin.run("dead-letters", "purge", "--all", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert "purged 1 dead letter(s)" in purged.stdout
    assert await admin.json("dead-letters", "list") == []


async def test_checkpoints_are_shown_and_reset_under_the_shards_lease(admin: Admin) -> None:
    write = WriteSide(admin.journal)
    for first in ("Ann", "Ben", "Cid"):
        await write.create(first, "Lee", f"{first.lower()}@example.com")
    arn, shard_id = await admin.stream()
    records = await admin.records()

    shown = await admin.json("checkpoints", "show")
    assert shown["stream_arn"] == arn
    assert [(s["shard_id"], s["checkpoint"]) for s in shown["shards"]] == [(shard_id, None)]

    latest = await admin.run("checkpoints", "reset", shard_id, "--to", "latest", "--yes")
    assert latest.returncode == 0, latest.stderr
    assert "3 record(s) not applied yet are skipped" in latest.stdout
    last = records[-1]["dynamodb"]["SequenceNumber"]
    [shard] = (await admin.json("checkpoints", "show"))["shards"]
    assert (shard["checkpoint"], shard["lease_owner"]) == (last, None)

    # An updater holds the shard: the reset is refused and changes nothing.
    leases = DynamoDbLeaseTable(admin.dynamodb, admin.lease_table)
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    counter = await leases.take(LeaseKey(arn, shard_id), "host:4242:ab", now_ms, now_ms + 60_000)
    assert counter is not None
    refused = await admin.run("checkpoints", "reset", shard_id, "--to", "trim-horizon", "--yes")
    assert refused.returncode == 1
    assert "host:4242:ab reads shard" in refused.stderr
    assert (await admin.json("checkpoints", "show"))["shards"][0]["checkpoint"] == last

    assert await leases.release(LeaseKey(arn, shard_id), "host:4242:ab", counter)
    back = await admin.run("checkpoints", "reset", shard_id, "--to", "trim-horizon", "--yes")
    assert back.returncode == 0, back.stderr
    assert (await admin.json("checkpoints", "show"))["shards"][0]["checkpoint"] is None

    unknown = await admin.run("checkpoints", "reset", "shard-nope", "--to", "latest", "--yes")
    assert unknown.returncode == 1
    assert f"its shards: {shard_id}" in unknown.stderr


async def test_status_tells_the_lag_dead_letters_and_accounts_on_both_sides(
    admin: Admin,
) -> None:
    write = WriteSide(admin.journal)
    ann = await write.create("Ann", "Lee", "ann@example.com")
    await write.create("Ben", "Lee", "ben@example.com")
    await write.delete(ann)
    await admin.write_broken_item()
    arn, shard_id = await admin.stream()
    records = await admin.records()
    # The updater applied the first two records; the deletion and the broken item wait.
    handler = UserAccountStreamHandler(
        ProjectUserAccountEvents(PostgresUserAccountReadModel(admin.pool), admin.journal),
        journal_data_keys(admin.dynamodb, admin.tables.journal),
    )
    assert (await handler(records[:2])).failures == []
    store = PostgresCheckpointStore(admin.pool)
    ref = ShardRef(arn, shard_id, admin.tables.journal, None)
    await store.set_checkpoint(ref, records[1]["dynamodb"]["SequenceNumber"])
    await admin.park(records[3], BROKEN_ID)

    status = await admin.json("status")
    [shard] = status["shards"]
    assert (shard["shard_id"], shard["checkpoint"]) == (
        shard_id,
        records[1]["dynamodb"]["SequenceNumber"],
    )
    assert shard["lag_seconds"] >= 0
    assert status["dead_letters"]["count"] == 1
    assert status["read_model"] == {"accounts": 2, "deleted": 0, "erased": 0}
    assert status["journal"] == {"accounts": 3, "deleted": 1, "erased": 0, "events": 4}

    await store.set_checkpoint(ref, records[-1]["dynamodb"]["SequenceNumber"])
    quick = await admin.json("status", "--no-journal")
    assert quick["shards"][0]["lag_seconds"] == 0.0
    assert quick["journal"] is None

    shown = await admin.run("status")
    assert shown.returncode == 0, shown.stderr
    assert "0 s (caught up)" in shown.stdout
    assert "journal: 3 account(s), 1 of them deleted, 0 erased (4 event(s))" in shown.stdout
    assert "dead letters: 1" in shown.stdout


async def test_an_unreachable_database_is_a_failure(admin: Admin) -> None:
    admin.env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/pcqrses"
    result = await admin.run("dead-letters", "list")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


async def test_a_letter_of_an_erased_account_retries_to_nothing_and_status_counts_erasures(
    admin: Admin,
) -> None:
    write = WriteSide(admin.journal)
    ann = await write.create("Ann", "Lee", "ann@example.com")
    await write.delete(ann)
    await admin.journal.store(2, [UserAccountErased("01KC0000000000000000000000", ann, 3, T0)])
    ben = await write.create("Ben", "Lee", "ben@example.com")
    records = await admin.records()
    keys = journal_data_keys(admin.dynamodb, admin.tables.journal)
    handler = UserAccountStreamHandler(
        ProjectUserAccountEvents(
            PostgresUserAccountReadModel(admin.pool),
            admin.journal,
            after_erasure=DestroyErasedKeys(keys),
        ),
        keys,
    )
    assert (await handler(records)).failures == []
    assert await keys.find(ann.value) is None
    # A letter of Ann's that outlived her erasure (parked by an updater of before, say).
    await admin.park(records[0], ann.value)
    [letter] = await admin.json("dead-letters", "list")

    retried = await admin.run("dead-letters", "retry", str(letter["id"]))

    assert retried.returncode == 0, retried.stderr
    assert await admin.json("dead-letters", "list") == []
    rows = await stored_rows(admin.pool)
    assert rows[UserAccountId(ann.value)].erased_at == T0
    assert rows[UserAccountId(ann.value)].version == 3
    assert rows[UserAccountId(ben.value)].served
    status = await admin.json("status")
    # Ann was deleted before her erasure: counted erased, not deleted, on both sides.
    assert status["read_model"] == {"accounts": 2, "deleted": 0, "erased": 1}
    assert status["journal"] == {"accounts": 2, "deleted": 0, "erased": 1, "events": 4}
    shown = await admin.run("status", "--no-journal")
    assert "read model: 2 account(s), 0 of them deleted, 1 erased" in shown.stdout

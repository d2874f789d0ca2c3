"""The stack's local DynamoDB keeps its tables across restarts by replaying its request journal."""

import asyncio
import signal
import socket
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.local_dynamodb.journal_file import CorruptJournalError, load_journal
from interface_adapter.event_store.dynamodb_tables import ensure_tables
from tests.integration.devstack.local_dynamodb_process import (
    START_TIMEOUT_SECONDS,
    LocalDynamoDb,
    restart,
)

pytestmark = pytest.mark.integration

JOURNAL = "journal"
SNAPSHOT = "snapshot"


def _event(pkey: str, seq_nr: int, payload: bytes = b"event") -> dict[str, Any]:
    return {
        "pkey": {"S": pkey},
        "skey": {"N": str(seq_nr)},
        "event_type": {"S": "UserAccountEvent.Created"},
        "payload": {"B": payload},
    }


async def _scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await dynamodb.scan(TableName=table, ConsistentRead=True))[
        "Items"
    ]
    return sorted(items, key=lambda item: (item["pkey"]["S"], item.get("skey", {}).get("N", "")))


async def _stream_from_trim_horizon(server: LocalDynamoDb) -> list[tuple[str, Any, Any]]:
    """(event name, keys, new image) of every record in the journal table's stream."""
    async with server.client("dynamodb") as dynamodb, server.client("dynamodbstreams") as streams:
        arn = (await dynamodb.describe_table(TableName=JOURNAL))["Table"]["LatestStreamArn"]
        shards = (await streams.describe_stream(StreamArn=arn))["StreamDescription"]["Shards"]
        records: list[tuple[str, Any, Any]] = []
        for shard in shards:
            iterator = (
                await streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )
            )["ShardIterator"]
            while iterator:
                answer = await streams.get_records(ShardIterator=iterator, Limit=1000)
                records += [
                    (r["eventName"], r["dynamodb"]["Keys"], r["dynamodb"].get("NewImage"))
                    for r in answer["Records"]
                ]
                if not answer["Records"]:
                    break
                iterator = answer.get("NextShardIterator")
        return records


async def _append_sample_data(server: LocalDynamoDb) -> None:
    """New items only: every write is appended to the journal as it came."""
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        for seq_nr in (1, 2, 3):
            await dynamodb.put_item(
                TableName=JOURNAL,
                Item=_event("UserAccount-A", seq_nr, bytes([seq_nr, 0, 255])),
                ConditionExpression="attribute_not_exists(pkey)",
            )
        await dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": JOURNAL,
                        "Item": _event("UserAccount-B", seq_nr),
                        "ConditionExpression": "attribute_not_exists(pkey)",
                    }
                }
                for seq_nr in (1, 2)
            ]
            + [
                {
                    "Put": {
                        "TableName": SNAPSHOT,
                        "Item": {
                            "pkey": {"S": "UserAccount-B"},
                            "seq_nr": {"N": "2"},
                            "payload": {"B": b"snap"},
                        },
                    }
                }
            ]
        )


async def _rewrite_sample_data(server: LocalDynamoDb) -> None:
    """A snapshot replaced and an event deleted: each compacts the journal."""
    async with server.client("dynamodb") as dynamodb:
        await dynamodb.update_item(
            TableName=SNAPSHOT,
            Key={"pkey": {"S": "UserAccount-B"}},
            UpdateExpression="SET seq_nr = :new",
            ConditionExpression="seq_nr < :new",
            ExpressionAttributeValues={":new": {"N": "3"}},
        )
        await dynamodb.delete_item(
            TableName=JOURNAL, Key={"pkey": {"S": "UserAccount-A"}, "skey": {"N": "3"}}
        )


async def _read_everything(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await dynamodb.list_tables()
        await dynamodb.describe_table(TableName=JOURNAL)
        await dynamodb.get_item(
            TableName=JOURNAL, Key={"pkey": {"S": "UserAccount-A"}, "skey": {"N": "1"}}
        )
        await dynamodb.query(
            TableName=JOURNAL,
            KeyConditionExpression="pkey = :p AND skey > :s",
            ExpressionAttributeValues={":p": {"S": "UserAccount-A"}, ":s": {"N": "0"}},
            ConsistentRead=True,
        )
        await dynamodb.batch_get_item(
            RequestItems={SNAPSHOT: {"Keys": [{"pkey": {"S": "UserAccount-B"}}]}}
        )
        await dynamodb.transact_get_items(
            TransactItems=[{"Get": {"TableName": SNAPSHOT, "Key": {"pkey": {"S": "x"}}}}]
        )
        await _scan(dynamodb, SNAPSHOT)
    await _stream_from_trim_horizon(server)


async def test_tables_items_and_stream_survive_a_restart(server: LocalDynamoDb) -> None:
    await _append_sample_data(server)
    async with server.client("dynamodb") as dynamodb:
        journal_before = await _scan(dynamodb, JOURNAL)
        snapshot_before = await _scan(dynamodb, SNAPSHOT)
    stream_before = await _stream_from_trim_horizon(server)
    journal_size = server.journal_file.stat().st_size

    await _read_everything(server)
    assert server.journal_file.stat().st_size == journal_size, "reads must not be journaled"

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert sorted((await dynamodb.list_tables())["TableNames"]) == [JOURNAL, SNAPSHOT]
        assert await _scan(dynamodb, JOURNAL) == journal_before
        assert await _scan(dynamodb, SNAPSHOT) == snapshot_before
        assert [item["skey"]["N"] for item in journal_before] == ["1", "2", "3", "1", "2"]
        with pytest.raises(ClientError) as conflict:
            await dynamodb.put_item(
                TableName=JOURNAL,
                Item=_event("UserAccount-A", 2, b"someone else"),
                ConditionExpression="attribute_not_exists(pkey)",
            )
        assert conflict.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert await _stream_from_trim_horizon(server) == stream_before
    assert [name for name, _, _ in stream_before] == ["INSERT"] * 5
    assert "replayed=6" in server.log()
    assert server.compactions() == 0


async def test_after_a_compaction_a_restart_gives_the_same_tables(server: LocalDynamoDb) -> None:
    await _append_sample_data(server)
    await _rewrite_sample_data(server)
    async with server.client("dynamodb") as dynamodb:
        journal_before = await _scan(dynamodb, JOURNAL)
        snapshot_before = await _scan(dynamodb, SNAPSHOT)
    stream_before = await _stream_from_trim_horizon(server)
    assert [name for name, _, _ in stream_before] == ["INSERT"] * 5 + ["REMOVE"]
    assert server.compactions() == 2

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert sorted((await dynamodb.list_tables())["TableNames"]) == [JOURNAL, SNAPSHOT]
        assert await _scan(dynamodb, JOURNAL) == journal_before
        assert await _scan(dynamodb, SNAPSHOT) == snapshot_before
        assert [item["skey"]["N"] for item in journal_before] == ["1", "2", "1", "2"]
        assert snapshot_before[0]["seq_nr"] == {"N": "3"}
        with pytest.raises(ClientError) as conflict:
            await dynamodb.put_item(
                TableName=JOURNAL,
                Item=_event("UserAccount-A", 2, b"someone else"),
                ConditionExpression="attribute_not_exists(pkey)",
            )
        assert conflict.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    # The compacted journal holds the tables as they stood: the new stream has one INSERT per
    # live item, each account's events in sequence order, and no trace of the deleted one.
    keys = ("pkey", "skey")
    assert await _stream_from_trim_horizon(server) == [
        ("INSERT", {key: item[key] for key in keys}, item) for item in journal_before
    ]
    # Two CreateTable, four events, one snapshot.
    assert "replayed=7" in server.log()


async def test_only_winning_concurrent_writes_are_journaled(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        lines_before = len(server.journal_file.read_bytes().splitlines())

        async def attempt(key: int, writer: int) -> str:
            try:
                await dynamodb.put_item(
                    TableName=JOURNAL,
                    Item=_event(f"UserAccount-{key}", 1, f"writer {writer}".encode()),
                    ConditionExpression="attribute_not_exists(pkey)",
                )
            except ClientError as error:
                return str(error.response["Error"]["Code"])
            return "written"

        outcomes = await asyncio.gather(*(attempt(k, w) for k in range(12) for w in range(3)))
        assert sorted(set(outcomes)) == ["ConditionalCheckFailedException", "written"]
        assert outcomes.count("written") == 12
        winners = await _scan(dynamodb, JOURNAL)
    assert len(server.journal_file.read_bytes().splitlines()) == lines_before + 12

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert await _scan(dynamodb, JOURNAL) == winners


async def test_a_put_acknowledged_before_a_kill_is_kept(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        await asyncio.gather(
            *(
                dynamodb.put_item(TableName=JOURNAL, Item=_event(f"UserAccount-{n}", 1))
                for n in range(20)
            )
        )

    await restart(server, signal.SIGKILL)

    async with server.client("dynamodb") as dynamodb:
        assert len(await _scan(dynamodb, JOURNAL)) == 20


async def test_a_torn_last_line_is_ignored_and_cut_off(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        await dynamodb.put_item(TableName=JOURNAL, Item=_event("UserAccount-A", 1))
    assert server.stop() == 0
    with server.journal_file.open("ab") as journal:
        journal.write(b'{"target":"DynamoDB_20120810.PutItem","path":"/","reg')

    await server.start()

    assert "ignoring a torn last line" in server.log()
    async with server.client("dynamodb") as dynamodb:
        await dynamodb.put_item(TableName=JOURNAL, Item=_event("UserAccount-A", 2))
    await restart(server)
    async with server.client("dynamodb") as dynamodb:
        assert [item["skey"]["N"] for item in await _scan(dynamodb, JOURNAL)] == ["1", "2"]


_LINE = b'{"target":"DynamoDB_20120810.PutItem","path":"/","region":null,"headers":{},"body":"{}"}'


@pytest.mark.parametrize(
    ("content", "kept", "left"),
    [
        (_LINE + b"\n" + _LINE, 1, _LINE + b"\n"),
        (_LINE + b"\n" + _LINE[:30] + b"\n", 1, _LINE + b"\n"),
        (_LINE + b"\n" + _LINE + b"\n\0\0\0\0", 2, _LINE + b"\n" + _LINE + b"\n"),
        (_LINE + b"\n", 1, _LINE + b"\n"),
    ],
)
def test_only_the_torn_tail_of_the_journal_file_is_cut(
    tmp_path: Path, content: bytes, kept: int, left: bytes
) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_bytes(content)
    assert len(load_journal(path)) == kept
    assert path.read_bytes() == left


def test_damage_before_the_last_line_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_bytes(_LINE + b"\n" + _LINE[:30] + b"\n" + _LINE + b"\n")
    with pytest.raises(CorruptJournalError, match="line 2"):
        load_journal(path)
    assert path.read_bytes().count(b"\n") == 3


async def test_a_taken_port_is_reported_with_the_variable_to_change(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        local = LocalDynamoDb(tmp_path / "dynamodb", taken.getsockname()[1])
        code = local.spawn().wait(START_TIMEOUT_SECONDS)
    assert code != 0
    assert f"port {local.port} on 127.0.0.1 is already in use" in local.log()
    assert "DYNAMODB_ENDPOINT_URL" in local.log()

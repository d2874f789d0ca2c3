"""Removed or replaced items leave no copy in the local DynamoDB's files (journal compacted)."""

import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from devstack.local_dynamodb.journal_file import load_journal
from devstack.local_dynamodb.request_journal import replacement_path
from interface_adapter.event_store.dynamodb_tables import ensure_tables
from tests.integration.devstack.crash_before_rename import CRASH_EXIT_CODE
from tests.integration.devstack.local_dynamodb_process import (
    LocalDynamoDb,
    files_holding,
    restart,
)
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

JOURNAL = "journal"
SNAPSHOT = "snapshot"
KEYS = "keys"
TABLES = (JOURNAL, KEYS, SNAPSHOT)


class Markers:
    """Random text for a string attribute, and random bytes for binary ones (base64 on the wire)."""

    def __init__(self) -> None:
        self.text = f"text-marker-{secrets.token_hex(8)}"
        self.binary = f"binary-marker-{secrets.token_hex(8)}".encode()

    def in_files(self, server: LocalDynamoDb) -> list[Path]:
        return sorted(
            {
                *files_holding(self.text.encode(), server.data_dir),
                *files_holding(self.binary, server.data_dir),
            }
        )

    def in_log(self, server: LocalDynamoDb) -> bool:
        log = server.log()
        return self.text in log or self.binary.decode() in log

    def in_items(self, items: object) -> bool:
        text = json.dumps(items, default=lambda value: value.decode("latin-1"))
        return self.text in text or self.binary.decode() in text


def _journal_item(pkey: str, seq_nr: int, payload: bytes, name: str = "clear") -> dict[str, Any]:
    return {
        "pkey": {"S": pkey},
        "skey": {"N": str(seq_nr)},
        "event_type": {"S": "UserAccountEvent.Created"},
        "first_name": {"S": name},
        "payload": {"B": payload},
        "nested": {"M": {"parts": {"L": [{"B": payload}, {"BS": [payload, b"other"]}]}}},
    }


def _marked_journal_item(markers: Markers, pkey: str, seq_nr: int) -> dict[str, Any]:
    return _journal_item(pkey, seq_nr, b"\x00" + markers.binary + b"\xff", markers.text)


def _key_item(pkey: str, wrapped: bytes) -> dict[str, Any]:
    return {"pkey": {"S": pkey}, "wrapped_key": {"B": wrapped}, "wrapping": {"S": "local"}}


def _snapshot_item(pkey: str, seq_nr: int, payload: bytes) -> dict[str, Any]:
    return {"pkey": {"S": pkey}, "seq_nr": {"N": str(seq_nr)}, "payload": {"B": payload}}


async def _create_tables(dynamodb: Any) -> None:
    await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
    await dynamodb.create_table(
        TableName=KEYS,
        KeySchema=[{"AttributeName": "pkey", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pkey", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


async def _write_other_items(dynamodb: Any) -> None:
    """Items that stay: every check after a compaction also checks they are still there."""
    for seq_nr in (1, 2, 3):
        await dynamodb.put_item(
            TableName=JOURNAL,
            Item=_journal_item("UserAccount-other", seq_nr, bytes([seq_nr, 0, 255])),
            ConditionExpression="attribute_not_exists(pkey)",
        )
    await dynamodb.put_item(TableName=KEYS, Item=_key_item("UserAccount-other", b"\x01" * 40))
    await dynamodb.put_item(TableName=SNAPSHOT, Item=_snapshot_item("UserAccount-other", 3, b"s"))


async def _scan_all(dynamodb: Any) -> dict[str, list[dict[str, Any]]]:
    tables = (await dynamodb.list_tables())["TableNames"]
    scans = {}
    for table in sorted(tables):
        items = (await dynamodb.scan(TableName=table, ConsistentRead=True))["Items"]
        scans[table] = sorted(items, key=lambda item: json.dumps(item, default=repr))
    return scans


# How the marked content goes: each is one request, as the erasure and the snapshots send them.
Removal = Callable[[Any, Markers], Awaitable[None]]


async def _delete_key(dynamodb: Any, markers: Markers) -> None:
    # Erasure: the account's wrapped data key is deleted.
    await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "UserAccount-marked"}})


async def _rewrite_journal_item_by_put(dynamodb: Any, markers: Markers) -> None:
    # Erasure of a V1 history: the clear-text item rewritten in place (same key), as V2.
    await dynamodb.put_item(
        TableName=JOURNAL,
        Item=_journal_item("UserAccount-marked", 1, b"encrypted"),
        ConditionExpression="attribute_exists(pkey)",
    )


async def _rewrite_journal_item_by_update(dynamodb: Any, markers: Markers) -> None:
    await dynamodb.update_item(
        TableName=JOURNAL,
        Key={"pkey": {"S": "UserAccount-marked"}, "skey": {"N": "1"}},
        UpdateExpression="SET first_name = :name, payload = :payload REMOVE nested",
        ExpressionAttributeValues={":name": {"S": "encrypted"}, ":payload": {"B": b"encrypted"}},
    )


async def _replace_snapshot(dynamodb: Any, markers: Markers) -> None:
    # A newer snapshot replaces the older one (every SNAPSHOT_INTERVAL events).
    await dynamodb.put_item(
        TableName=SNAPSHOT,
        Item=_snapshot_item("UserAccount-marked", 200, b"newer"),
        ConditionExpression="attribute_not_exists(pkey) OR seq_nr < :seq_nr",
        ExpressionAttributeValues={":seq_nr": {"N": "200"}},
    )


async def _rewrite_in_a_transaction(dynamodb: Any, markers: Markers) -> None:
    await dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": JOURNAL, "Item": _journal_item("UserAccount-marked", 1, b"e")}},
            {"Put": {"TableName": JOURNAL, "Item": _journal_item("UserAccount-new", 1, b"n")}},
        ]
    )


async def _delete_in_a_batch(dynamodb: Any, markers: Markers) -> None:
    await dynamodb.batch_write_item(
        RequestItems={
            JOURNAL: [
                {
                    "DeleteRequest": {
                        "Key": {"pkey": {"S": "UserAccount-marked"}, "skey": {"N": "1"}}
                    }
                },
                {"PutRequest": {"Item": _journal_item("UserAccount-new", 1, b"n")}},
            ],
            # Not the snapshot too: moto takes its equal key for a duplicate across tables.
            KEYS: [{"DeleteRequest": {"Key": {"pkey": {"S": "UserAccount-marked"}}}}],
        }
    )


async def _delete_the_key_table(dynamodb: Any, markers: Markers) -> None:
    await dynamodb.delete_table(TableName=KEYS)


_MARKED_KEYS = {
    KEYS: {"pkey": {"S": "UserAccount-marked"}},
    JOURNAL: {"pkey": {"S": "UserAccount-marked"}, "skey": {"N": "1"}},
    SNAPSHOT: {"pkey": {"S": "UserAccount-marked"}},
}


async def _write_marked_items(dynamodb: Any, markers: Markers, kept_in: set[str]) -> None:
    """The marked items of an account, left only in the tables of `kept_in`."""
    await dynamodb.put_item(
        TableName=KEYS, Item=_key_item("UserAccount-marked", b"\x02" + markers.binary)
    )
    await dynamodb.put_item(
        TableName=JOURNAL,
        Item=_marked_journal_item(markers, "UserAccount-marked", 1),
        ConditionExpression="attribute_not_exists(pkey)",
    )
    await dynamodb.put_item(
        TableName=SNAPSHOT,
        Item=_snapshot_item("UserAccount-marked", 100, b"\x00" + markers.binary),
        ConditionExpression="attribute_not_exists(pkey) OR seq_nr < :seq_nr",
        ExpressionAttributeValues={":seq_nr": {"N": "100"}},
    )
    for table, key in _MARKED_KEYS.items():
        if table not in kept_in:
            await dynamodb.delete_item(TableName=table, Key=key)


# Each removal, and the tables whose marked item it removes or replaces.
REMOVALS: list[tuple[Removal, set[str]]] = [
    (_delete_key, {KEYS}),
    (_rewrite_journal_item_by_put, {JOURNAL}),
    (_rewrite_journal_item_by_update, {JOURNAL}),
    (_replace_snapshot, {SNAPSHOT}),
    (_rewrite_in_a_transaction, {JOURNAL}),
    (_delete_in_a_batch, {JOURNAL, KEYS}),
    (_delete_the_key_table, {KEYS}),
]


@pytest.mark.parametrize(
    ("removal", "tables"), REMOVALS, ids=[removal.__name__.lstrip("_") for removal, _ in REMOVALS]
)
async def test_removed_or_replaced_content_is_in_no_file(
    server: LocalDynamoDb, removal: Removal, tables: set[str]
) -> None:
    markers = Markers()
    async with server.client("dynamodb") as dynamodb:
        await _create_tables(dynamodb)
        await _write_other_items(dynamodb)
        await dynamodb.put_item(
            TableName=KEYS, Item=_key_item("UserAccount-marked", b"\x02" + markers.binary)
        )
        # Found, text and bytes alike, while an item holds it: the search decodes what it must.
        assert markers.in_files(server) == [server.journal_file]
        assert markers.binary not in server.journal_file.read_bytes()
        await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "UserAccount-marked"}})
        assert markers.in_files(server) == []
        compactions = server.compactions()

        await _write_marked_items(dynamodb, markers, kept_in=tables)
        assert markers.in_items(await _scan_all(dynamodb))
        assert markers.in_files(server) == [server.journal_file]
        compactions = server.compactions()

        await removal(dynamodb, markers)

        # Right after the answer: no file holds the marked content any more.
        assert markers.in_files(server) == []
        assert server.compactions() == compactions + 1
        after = await _scan_all(dynamodb)
    assert not markers.in_items(after)
    assert len(after[JOURNAL]) >= 3

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert await _scan_all(dynamodb) == after
    assert markers.in_files(server) == []
    assert not markers.in_log(server)


async def test_appends_of_new_items_do_not_compact(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await _create_tables(dynamodb)
        await _write_other_items(dynamodb)
        inode = server.journal_file.stat().st_ino
        lines = len(server.journal_file.read_bytes().splitlines())

        # The common path: conditional PutItems of new journal items, concurrently.
        await asyncio.gather(
            *(
                dynamodb.put_item(
                    TableName=JOURNAL,
                    Item=_journal_item(f"UserAccount-{n}", 1, b"event"),
                    ConditionExpression="attribute_not_exists(pkey)",
                )
                for n in range(20)
            )
        )
        await dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": JOURNAL,
                        "Item": _journal_item("UserAccount-0", seq_nr, b"event"),
                        "ConditionExpression": "attribute_not_exists(pkey)",
                    }
                }
                for seq_nr in (2, 3)
            ]
            + [{"ConditionCheck": _exists_check("UserAccount-other", 1)}]
        )
        await dynamodb.batch_write_item(
            RequestItems={
                KEYS: [{"PutRequest": {"Item": _key_item(f"k{n}", b"k")}} for n in (1, 2)]
            }
        )
        # The first snapshot of an account, and an UpdateItem that creates its item.
        await dynamodb.put_item(
            TableName=SNAPSHOT,
            Item=_snapshot_item("UserAccount-0", 3, b"first"),
            ConditionExpression="attribute_not_exists(pkey) OR seq_nr < :seq_nr",
            ExpressionAttributeValues={":seq_nr": {"N": "3"}},
        )
        await dynamodb.update_item(
            TableName=KEYS,
            Key={"pkey": {"S": "k3"}},
            UpdateExpression="SET wrapping = :w",
            ExpressionAttributeValues={":w": {"S": "local"}},
        )
        # A write refused on an existing item changes nothing: not journaled, no compaction.
        with pytest.raises(ClientError) as refused:
            await dynamodb.put_item(
                TableName=JOURNAL,
                Item=_journal_item("UserAccount-other", 1, b"someone else"),
                ConditionExpression="attribute_not_exists(pkey)",
            )
        assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"

        assert server.compactions() == 0
        assert server.journal_file.stat().st_ino == inode
        assert len(server.journal_file.read_bytes().splitlines()) == lines + 20 + 1 + 1 + 1 + 1

        # The counts above would not move if compactions were not counted: one is.
        await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "k1"}})
        assert server.compactions() == 1
        assert server.journal_file.stat().st_ino != inode


def _exists_check(pkey: str, seq_nr: int) -> dict[str, Any]:
    return {
        "TableName": JOURNAL,
        "Key": {"pkey": {"S": pkey}, "skey": {"N": str(seq_nr)}},
        "ConditionExpression": "attribute_exists(pkey)",
    }


async def test_writes_during_compactions_are_all_kept(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await _create_tables(dynamodb)
        await asyncio.gather(
            *(
                dynamodb.put_item(TableName=KEYS, Item=_key_item(f"gone-{n}", b"k"))
                for n in range(5)
            )
        )
        # New events appended while the deletions compact, all at once.
        await asyncio.gather(
            *(
                dynamodb.put_item(
                    TableName=JOURNAL,
                    Item=_journal_item(f"UserAccount-{n}", 1, b"event"),
                    ConditionExpression="attribute_not_exists(pkey)",
                )
                for n in range(30)
            ),
            *(
                dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": f"gone-{n}"}})
                for n in range(5)
            ),
        )
        assert server.compactions() == 5
        tables = await _scan_all(dynamodb)
    assert len(tables[JOURNAL]) == 30
    assert tables[KEYS] == []

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert await _scan_all(dynamodb) == tables


async def test_a_crash_before_the_rename_leaves_the_old_journal(tmp_path: Path) -> None:
    markers = Markers()
    server = LocalDynamoDb(tmp_path / "dynamodb", free_port())
    await server.start("tests.integration.devstack.crash_before_rename")
    try:
        async with server.client("dynamodb") as dynamodb:
            await _create_tables(dynamodb)
            await _write_other_items(dynamodb)
            marked = b"\x02" + markers.binary
            # Written in one request with another item: its deletion compacts the journal (a
            # scrub of that line would take the other item with it).
            await dynamodb.batch_write_item(
                RequestItems={
                    KEYS: [
                        {"PutRequest": {"Item": _key_item("UserAccount-marked", marked)}},
                        {"PutRequest": {"Item": _key_item("UserAccount-beside", b"\x03" * 40)}},
                    ]
                }
            )
            tables = await _scan_all(dynamodb)
            journal = server.journal_file.read_bytes()
            with pytest.raises(BotoCoreError):  # the connection drops: the process is gone
                await dynamodb.delete_item(
                    TableName=KEYS, Key={"pkey": {"S": "UserAccount-marked"}}
                )
        assert server.process is not None
        assert server.process.wait(30) == CRASH_EXIT_CODE
        server.process = None
        # The new journal was written whole, not renamed; the old one is untouched.
        assert replacement_path(server.journal_file).exists()
        assert server.journal_file.read_bytes() == journal
        assert len(load_journal(server.journal_file)) == journal.count(b"\n")

        await server.start()

        assert "removed an unfinished compaction" in server.log()
        assert not replacement_path(server.journal_file).exists()
        async with server.client("dynamodb") as dynamodb:
            # The deletion was never acknowledged: the item is still there, and so is the rest.
            assert await _scan_all(dynamodb) == tables
            await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "UserAccount-marked"}})
        assert markers.in_files(server) == []
    finally:
        if server.process is not None:
            server.process.kill()
            server.process.wait(30)


async def test_a_compacted_table_keeps_its_settings_and_every_kind_of_value(
    server: LocalDynamoDb,
) -> None:
    table = "settings"
    async with server.client("dynamodb") as dynamodb:
        await dynamodb.create_table(
            TableName=table,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "B"},
                {"AttributeName": "gsi_pk", "AttributeType": "N"},
                {"AttributeName": "lsi_sk", "AttributeType": "S"},
            ],
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_gsi",
                    "KeySchema": [{"AttributeName": "gsi_pk", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["s"]},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1},
                }
            ],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "by_lsi",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "lsi_sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            Tags=[{"Key": "team", "Value": "accounts"}],
        )
        await dynamodb.update_time_to_live(
            TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
        )
        await dynamodb.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
        values = {
            "s": {"S": "Zoë ✓"},
            "n": {"N": "-12.5e3"},
            "b": {"B": b"\x00\xff binary"},
            "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2.5"]},
            "bs": {"BS": [b"\x01", b"\x02"]},
            "bool": {"BOOL": False},
            "null": {"NULL": True},
            "l": {"L": [{"S": "x"}, {"N": "1"}, {"B": b"\x03"}, {"M": {"b": {"B": b"\x04"}}}]},
            "m": {"M": {"inner": {"M": {"bs": {"BS": [b"\x05"]}, "l": {"L": [{"NULL": True}]}}}}},
        }
        for n in (2, 1, 3):
            await dynamodb.put_item(
                TableName=table,
                Item={
                    "pk": {"S": "p"},
                    "sk": {"B": bytes([n])},
                    "gsi_pk": {"N": str(n)},
                    "lsi_sk": {"S": f"l{n}"},
                    **values,
                },
            )
        await dynamodb.update_item(
            TableName=table,
            Key={"pk": {"S": "p"}, "sk": {"B": b"\x01"}},
            UpdateExpression="SET n = n + :one ADD ns :more",
            ExpressionAttributeValues={":one": {"N": "1"}, ":more": {"NS": ["7"]}},
        )
        await dynamodb.delete_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"B": b"\x03"}})
        assert server.compactions() == 2
        before = await _describe(dynamodb, table)
        items = await _scan_all(dynamodb)

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert await _describe(dynamodb, table) == before
        assert await _scan_all(dynamodb) == items
    assert before["table"]["ItemCount"] == 2
    assert before["ttl"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert before["tags"] == [{"Key": "team", "Value": "accounts"}]
    assert before["pitr"] == "ENABLED"


async def _describe(dynamodb: Any, table: str) -> dict[str, Any]:
    description = (await dynamodb.describe_table(TableName=table))["Table"]
    for varying in ("CreationDateTime", "LatestStreamLabel", "LatestStreamArn"):
        description.pop(varying, None)
    backups = (await dynamodb.describe_continuous_backups(TableName=table))[
        "ContinuousBackupsDescription"
    ]
    return {
        "table": description,
        "ttl": (await dynamodb.describe_time_to_live(TableName=table))["TimeToLiveDescription"],
        "tags": (await dynamodb.list_tags_of_resource(ResourceArn=description["TableArn"]))["Tags"],
        "pitr": backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
    }


async def test_volatile_tables_stay_out_of_a_compacted_journal(tmp_path: Path) -> None:
    server = LocalDynamoDb(tmp_path / "dynamodb", free_port(), volatile_tables=("leases",))
    await server.start()
    try:
        async with server.client("dynamodb") as dynamodb:
            await _create_tables(dynamodb)
            await dynamodb.create_table(
                TableName="leases",
                KeySchema=[{"AttributeName": "pkey", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pkey", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            await dynamodb.put_item(TableName="leases", Item={"pkey": {"S": "shard-lease"}})
            await dynamodb.put_item(TableName=KEYS, Item=_key_item("k", b"k"))
            await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "k"}})
            assert server.compactions() == 1
        assert b"leases" not in server.journal_file.read_bytes()
        assert b"shard-lease" not in server.journal_file.read_bytes()

        await restart(server)

        async with server.client("dynamodb") as dynamodb:
            assert sorted((await dynamodb.list_tables())["TableNames"]) == sorted(TABLES)
    finally:
        if server.process is not None:
            server.process.kill()
            server.process.wait(30)


async def test_a_request_that_fails_inside_moto_is_logged_without_its_content(
    server: LocalDynamoDb,
) -> None:
    markers = Markers()
    async with server.client("dynamodb") as dynamodb:
        await _create_tables(dynamodb)
    # moto raises on an Item that is a list (botocore would refuse to send it: sent raw).
    body = json.dumps({"TableName": KEYS, "Item": [{"pkey": {"S": markers.text}}]})
    status, answer = await asyncio.to_thread(_post, server.endpoint, "PutItem", body)
    assert status == 500
    assert b"InternalServerError" in answer
    assert "a request failed in the local DynamoDB" in server.log()
    assert "AttributeError" in server.log()
    assert not markers.in_log(server)
    assert markers.in_files(server) == []


def _post(endpoint: str, operation: str, body: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        endpoint,
        data=body.encode(),
        method="POST",
        headers={
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/ap-northeast-1/"
            "dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()

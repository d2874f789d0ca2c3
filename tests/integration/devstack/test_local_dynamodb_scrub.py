"""A removal scrubs in place the journal lines that held its item: as safe as a compaction (no
file holds the removed data, a restart gives the same tables), at the cost of those lines."""

import base64
import secrets
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError

from devstack.local_dynamodb.request_journal import SCRUBBED_LINE_MARK
from tests.integration.devstack.crash_mid_scrub import CRASH_EXIT_CODE
from tests.integration.devstack.local_dynamodb_process import (
    LocalDynamoDb,
    files_holding,
    restart,
)
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

KEYS = "keys"


def _key_item(pkey: str, wrapped: bytes) -> dict[str, Any]:
    return {"pkey": {"S": pkey}, "wrapped_key": {"B": wrapped}}


async def _create_table(dynamodb: Any) -> None:
    await dynamodb.create_table(
        TableName=KEYS,
        KeySchema=[{"AttributeName": "pkey", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pkey", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


async def _items(dynamodb: Any) -> list[dict[str, Any]]:
    items = (await dynamodb.scan(TableName=KEYS, ConsistentRead=True))["Items"]
    return sorted(items, key=lambda item: str(item["pkey"]["S"]))


async def _items_after_restart(server: LocalDynamoDb) -> list[dict[str, Any]]:
    await restart(server)
    async with server.client("dynamodb") as dynamodb:
        return await _items(dynamodb)


@pytest.mark.parametrize("others", [10, 300])
async def test_a_deletion_rewrites_only_its_own_line_whatever_the_table_holds(
    server: LocalDynamoDb, others: int
) -> None:
    marker = f"marker-{secrets.token_hex(8)}".encode()
    async with server.client("dynamodb") as dynamodb:
        await _create_table(dynamodb)
        for n in range(others):
            await dynamodb.put_item(TableName=KEYS, Item=_key_item(f"other-{n}", bytes([n % 256])))
        await dynamodb.put_item(TableName=KEYS, Item=_key_item("marked", marker))
        before = server.journal_file.read_bytes()
        [marked_line] = [line for line in before.splitlines() if b'\\"marked\\"' in line]

        await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "marked"}})

        after = server.journal_file.read_bytes()
        kept = await _items(dynamodb)
    # Nothing appended, nothing rewritten but the deleted item's line, whatever the table holds.
    scrubbed = SCRUBBED_LINE_MARK + b" " * (len(marked_line) - 1)
    assert after == before.replace(marked_line, scrubbed)
    assert files_holding(marker, server.data_dir) == []
    assert server.full_compactions() == 0
    assert server.compactions() == 1
    assert len(kept) == others

    assert await _items_after_restart(server) == kept
    assert files_holding(marker, server.data_dir) == []


async def test_an_update_appends_the_item_as_it_stands_and_scrubs_its_earlier_lines(
    server: LocalDynamoDb,
) -> None:
    first, second = (f"marker-{secrets.token_hex(8)}" for _ in range(2))
    async with server.client("dynamodb") as dynamodb:
        await _create_table(dynamodb)
        await dynamodb.put_item(TableName=KEYS, Item=_key_item("beside", b"\x01"))
        await dynamodb.put_item(
            TableName=KEYS, Item={**_key_item("updated", b"\x02"), "note": {"S": first}}
        )
        for note in (second, "third"):
            await dynamodb.update_item(
                TableName=KEYS,
                Key={"pkey": {"S": "updated"}},
                UpdateExpression="SET note = :note",
                ExpressionAttributeValues={":note": {"S": note}},
            )
        items = await _items(dynamodb)
    for marker in (first, second):
        assert files_holding(marker.encode(), server.data_dir) == []
    assert server.full_compactions() == 0
    assert server.compactions() == 2

    assert await _items_after_restart(server) == items
    assert [item["note"]["S"] for item in items if "note" in item] == ["third"]


async def test_items_written_together_survive_the_removal_of_one_of_them(
    server: LocalDynamoDb,
) -> None:
    marker = f"marker-{secrets.token_hex(8)}".encode()
    async with server.client("dynamodb") as dynamodb:
        await _create_table(dynamodb)
        await dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": KEYS, "Item": _key_item(pkey, wrapped)}}
                for pkey, wrapped in (("a", b"\x01"), ("marked", marker), ("b", b"\x02"))
            ]
        )
        await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "marked"}})
        # An item created by a batch, then updated.
        await dynamodb.batch_write_item(
            RequestItems={
                KEYS: [{"PutRequest": {"Item": _key_item(p, b"\x03")}} for p in ("c", "d")]
            }
        )
        await dynamodb.update_item(
            TableName=KEYS,
            Key={"pkey": {"S": "c"}},
            UpdateExpression="SET wrapped_key = :new",
            ExpressionAttributeValues={":new": {"B": b"\x04"}},
        )
        items = await _items(dynamodb)
    assert [item["pkey"]["S"] for item in items] == ["a", "b", "c", "d"]
    assert files_holding(marker, server.data_dir) == []

    assert await _items_after_restart(server) == items
    assert files_holding(marker, server.data_dir) == []


async def test_a_crash_between_the_two_phases_of_a_scrub_is_finished_at_the_next_start(
    tmp_path: Path,
) -> None:
    marker = f"marker-{secrets.token_hex(8)}".encode()
    server = LocalDynamoDb(tmp_path / "dynamodb", free_port())
    await server.start("tests.integration.devstack.crash_mid_scrub")
    try:
        async with server.client("dynamodb") as dynamodb:
            await _create_table(dynamodb)
            await dynamodb.put_item(TableName=KEYS, Item=_key_item("beside", b"\x01"))
            await dynamodb.put_item(TableName=KEYS, Item=_key_item("marked", marker))
            with pytest.raises(BotoCoreError):  # the connection drops: the process is gone
                await dynamodb.delete_item(TableName=KEYS, Key={"pkey": {"S": "marked"}})
        assert server.process is not None
        assert server.process.wait(30) == CRASH_EXIT_CODE
        server.process = None
        # Marked, not blanked: the line is skipped from now on, but its bytes are still there.
        marked_lines = [
            line
            for line in server.journal_file.read_bytes().splitlines()
            if line.startswith(SCRUBBED_LINE_MARK)
        ]
        assert len(marked_lines) == 1
        assert marked_lines[0].startswith(b'#"target":"DynamoDB_20120810.PutItem"')
        assert base64.b64encode(marker) in server.journal_file.read_bytes()

        await server.start()

        assert "finishing the scrub" in server.log()
        assert files_holding(marker, server.data_dir) == []
        async with server.client("dynamodb") as dynamodb:
            assert [item["pkey"]["S"] for item in await _items(dynamodb)] == ["beside"]
    finally:
        if server.process is not None:
            server.process.kill()
            server.process.wait(30)

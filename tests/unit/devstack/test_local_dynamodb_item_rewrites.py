"""Which journaled requests make the local DynamoDB compact its journal instead of appending."""

from collections.abc import Mapping
from typing import Any

import pytest

from devstack.local_dynamodb.item_rewrites import rewrites_stored_items

pytestmark = pytest.mark.unit

STORED = {("journal", "A", "1"), ("keys", "A", None)}


def holds(table: str, attributes: Mapping[str, Any]) -> bool:
    """A stand-in for moto's tables: journal A/1 and the key of A are stored."""
    sort_key = attributes.get("skey", {}).get("N")
    return (table, attributes["pkey"]["S"], sort_key) in STORED


def journal_key(pkey: str, seq_nr: int) -> dict[str, Any]:
    return {"pkey": {"S": pkey}, "skey": {"N": str(seq_nr)}}


def item(pkey: str, seq_nr: int) -> dict[str, Any]:
    return {**journal_key(pkey, seq_nr), "payload": {"B": "AAE="}}


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("PutItem", {"TableName": "journal", "Item": item("A", 2)}),
        ("PutItem", {"TableName": "keys", "Item": {"pkey": {"S": "B"}}}),
        ("UpdateItem", {"TableName": "journal", "Key": journal_key("B", 1)}),
        ("DeleteItem", {"TableName": "keys", "Key": {"pkey": {"S": "B"}}}),
        (
            "BatchWriteItem",
            {
                "RequestItems": {
                    "journal": [{"PutRequest": {"Item": item("A", 2)}}],
                    "keys": [{"DeleteRequest": {"Key": {"pkey": {"S": "B"}}}}],
                }
            },
        ),
        (
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"TableName": "journal", "Item": item("A", 2)}},
                    {"Update": {"TableName": "journal", "Key": journal_key("A", 3)}},
                    {"Delete": {"TableName": "keys", "Key": {"pkey": {"S": "C"}}}},
                    # A condition on a stored item writes nothing.
                    {"ConditionCheck": {"TableName": "journal", "Key": journal_key("A", 1)}},
                ]
            },
        ),
        ("CreateTable", {"TableName": "journal"}),
        ("UpdateTable", {"TableName": "journal"}),
        ("UpdateTimeToLive", {"TableName": "keys"}),
        ("TagResource", {"ResourceArn": "arn"}),
        ("CreateBackup", {"TableName": "journal"}),
    ],
)
def test_a_write_of_new_items_only_is_appended(operation: str, body: dict[str, Any]) -> None:
    assert not rewrites_stored_items(operation, body, holds)


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("PutItem", {"TableName": "journal", "Item": item("A", 1)}),
        ("UpdateItem", {"TableName": "journal", "Key": journal_key("A", 1)}),
        ("DeleteItem", {"TableName": "keys", "Key": {"pkey": {"S": "A"}}}),
        (
            "BatchWriteItem",
            {
                "RequestItems": {
                    "journal": [{"PutRequest": {"Item": item("A", 2)}}],
                    "keys": [{"DeleteRequest": {"Key": {"pkey": {"S": "A"}}}}],
                }
            },
        ),
        (
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"TableName": "journal", "Item": item("A", 2)}},
                    {"Update": {"TableName": "journal", "Key": journal_key("A", 1)}},
                ]
            },
        ),
        (
            "TransactWriteItems",
            {"TransactItems": [{"Put": {"TableName": "journal", "Item": item("A", 1)}}]},
        ),
        (
            "TransactWriteItems",
            {"TransactItems": [{"Delete": {"TableName": "keys", "Key": {"pkey": {"S": "A"}}}}]},
        ),
        ("DeleteTable", {"TableName": "journal"}),
        # Not known to leave no copy: compacted rather than risk it.
        ("ExecuteStatement", {"Statement": "DELETE FROM journal WHERE pkey = 'A'"}),
        ("RestoreTableFromBackup", {"TargetTableName": "journal"}),
        ("SomeFutureMutation", {}),
        # Shapes moto refuses (so nothing is compacted): the check itself does not fail.
        ("PutItem", {"TableName": "journal"}),
        ("PutItem", {"TableName": "journal", "Item": {"skey": {"N": "1"}}}),
        ("DeleteItem", None),
        ("BatchWriteItem", {"RequestItems": ["journal"]}),
    ],
)
def test_a_write_that_may_remove_or_replace_a_stored_item_compacts(
    operation: str, body: dict[str, Any] | None
) -> None:
    assert rewrites_stored_items(operation, body, holds)

"""The journal, snapshot and data key tables: their definitions, created when missing
(idempotent)."""

from typing import Any

from infrastructure.dynamodb.client import DynamoDbClient
from infrastructure.dynamodb.tables import ensure_table


def journal_table_definition(name: str) -> dict[str, Any]:
    """pkey (persistence id) + skey (sequence number); the stream feeds the read-model updater."""
    return {
        "TableName": name,
        "KeySchema": [
            {"AttributeName": "pkey", "KeyType": "HASH"},
            {"AttributeName": "skey", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "pkey", "AttributeType": "S"},
            {"AttributeName": "skey", "AttributeType": "N"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    }


def snapshot_table_definition(name: str) -> dict[str, Any]:
    """One item per aggregate, keyed by its persistence id."""
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pkey", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pkey", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


def key_table_definition(name: str) -> dict[str, Any]:
    """One item per account: its data key, wrapped (interface_adapter.personal_data)."""
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pkey", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pkey", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


async def ensure_key_table(client: DynamoDbClient, key_table_name: str) -> None:
    """Create the data key table unless it exists, then wait until it is ACTIVE."""
    await ensure_table(client, key_table_definition(key_table_name))


async def ensure_tables(
    client: DynamoDbClient, journal_table_name: str, snapshot_table_name: str
) -> None:
    """Create whichever of the two tables is missing, then wait until both are ACTIVE."""
    for definition in (
        journal_table_definition(journal_table_name),
        snapshot_table_definition(snapshot_table_name),
    ):
        await ensure_table(client, definition)

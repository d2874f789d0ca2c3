"""The requests a compaction writes for one moto table: its definition, then its items as sent."""

import copy
import json
from typing import Any

import pytest
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from devstack.local_dynamodb.table_rebuild import (
    create_table_body,
    live_items,
    rebuild_table,
    wire_value,
)
from interface_adapter.event_store.dynamodb_tables import (
    journal_table_definition,
    snapshot_table_definition,
)

pytestmark = pytest.mark.unit

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"


def table_from(definition: dict[str, Any]) -> Table:
    """The table moto's CreateTable makes of `definition` (moto changes what it is given)."""
    definition = copy.deepcopy(definition)
    return Table(
        definition["TableName"],
        account_id=ACCOUNT,
        region=REGION,
        schema=definition["KeySchema"],
        attr=definition["AttributeDefinitions"],
        throughput=definition.get("ProvisionedThroughput"),
        billing_mode=definition.get("BillingMode", "PROVISIONED"),
        indexes=definition.get("LocalSecondaryIndexes"),
        global_indexes=definition.get("GlobalSecondaryIndexes"),
        streams=definition.get("StreamSpecification"),
        tags=definition.get("Tags"),
    )


@pytest.mark.parametrize(
    "definition",
    [
        journal_table_definition("journal"),
        snapshot_table_definition("snapshot"),
        {
            "TableName": "provisioned",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "B"},
                {"AttributeName": "g", "AttributeType": "N"},
            ],
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by_g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                }
            ],
            "LocalSecondaryIndexes": [
                {
                    "IndexName": "by_g_locally",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "g", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
            "Tags": [{"Key": "k", "Value": "v"}],
        },
    ],
    ids=["journal", "snapshot", "provisioned with indexes"],
)
def test_the_create_table_request_is_the_tables_definition(definition: dict[str, Any]) -> None:
    assert create_table_body(table_from(definition)) == definition


@pytest.mark.parametrize(
    ("stored", "sent"),
    [
        ({"S": "Zoë"}, {"S": "Zoë"}),
        ({"N": "-1.5"}, {"N": "-1.5"}),
        ({"B": b"\x00\xff"}, {"B": "AP8="}),
        ({"B": "AP8="}, {"B": "AP8="}),
        ({"BS": [b"\x01", "Ag=="]}, {"BS": ["AQ==", "Ag=="]}),
        ({"SS": ["a", "b"]}, {"SS": ["a", "b"]}),
        ({"NS": ["1", "2"]}, {"NS": ["1", "2"]}),
        ({"BOOL": False}, {"BOOL": False}),
        ({"NULL": True}, {"NULL": True}),
        (
            {"M": {"b": {"B": b"\x01"}, "l": {"L": [{"B": b"\x02"}, {"M": {"n": {"N": "1"}}}]}}},
            {"M": {"b": {"B": "AQ=="}, "l": {"L": [{"B": "Ag=="}, {"M": {"n": {"N": "1"}}}]}}},
        ),
    ],
)
def test_a_stored_value_is_sent_as_the_wire_has_it(
    stored: dict[str, Any], sent: dict[str, Any]
) -> None:
    assert wire_value(DynamoType(stored)) == sent
    json.dumps(wire_value(DynamoType(stored)))


def test_items_come_a_partition_at_a_time_in_sort_key_order() -> None:
    table = table_from(journal_table_definition("journal"))
    for pkey, seq_nr in [("B", 10), ("A", 2), ("B", 2), ("A", 1), ("B", 1)]:
        table.put_item({"pkey": {"S": pkey}, "skey": {"N": str(seq_nr)}, "p": {"B": b"\x00"}})
    # A read of a missing key leaves an empty partition in moto's table.
    table.get_item(DynamoType({"S": "missing"}), DynamoType({"N": "1"}))

    keys = [(item.hash_key.value, item.range_key.value) for item in live_items(table)]

    assert keys == [("B", "1"), ("B", "2"), ("B", "10"), ("A", "1"), ("A", "2")]


def test_a_table_is_rebuilt_by_its_create_table_then_a_put_item_per_item() -> None:
    table = table_from(snapshot_table_definition("snapshot"))
    table.put_item({"pkey": {"S": "A"}, "payload": {"B": b"\x01"}})
    table.put_item({"pkey": {"S": "B"}, "payload": {"B": b"\x02"}})
    table.delete_item(DynamoType({"S": "A"}), None)

    requests = list(rebuild_table(table))

    assert [request.target for request in requests] == [
        "DynamoDB_20120810.CreateTable",
        "DynamoDB_20120810.PutItem",
    ]
    assert json.loads(requests[1].body) == {
        "TableName": "snapshot",
        "Item": {"pkey": {"S": "B"}, "payload": {"B": "Ag=="}},
    }
    assert {request.region for request in requests} == {REGION}
    assert requests[0].headers["X-Moto-Account-Id"] == ACCOUNT

"""Requests that rebuild one moto table as it stands: CreateTable, settings, a PutItem per item."""

import base64
import json
from collections.abc import Iterator
from typing import Any

from devstack.local_dynamodb.operations import DYNAMODB_TARGET_PREFIX
from devstack.local_dynamodb.recorded_request import RecordedRequest

_CONTENT_TYPE = "application/x-amz-json-1.0"


def rebuild_table(table: Any) -> Iterator[RecordedRequest]:
    """`table` (a moto `Table`) as requests that replay to the same table and the same items.

    Kept: key schema and attribute definitions, billing mode and throughput, stream
    specification, secondary indexes, encryption, tags, deletion protection, time to live,
    point-in-time recovery. Not kept: backups, resource policies (the local stack uses none).
    Items come partition by partition, each partition in sort-key order, so that a replay
    streams a partition's items (a journal's events) in sequence order.
    """
    yield _request(table, "CreateTable", create_table_body(table))
    ttl = table.ttl
    if ttl.get("TimeToLiveStatus") == "ENABLED":
        yield _request(
            table,
            "UpdateTimeToLive",
            {
                "TableName": table.name,
                "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ttl["AttributeName"]},
            },
        )
    recovery = table.continuous_backups["PointInTimeRecoveryDescription"]
    if recovery.get("PointInTimeRecoveryStatus") == "ENABLED":
        yield _request(
            table,
            "UpdateContinuousBackups",
            {
                "TableName": table.name,
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            },
        )
    for item in live_items(table):
        yield put_item_request(table, item)


def put_item_request(table: Any, item: Any) -> RecordedRequest:
    """An unconditional PutItem of `item` (a moto `Item` of `table`) as it now stands."""
    return _request(table, "PutItem", {"TableName": table.name, "Item": wire_item(item)})


def create_table_body(table: Any) -> dict[str, Any]:
    """The CreateTable request of `table`'s definition as it now stands (UpdateTable included)."""
    provisioned = table.billing_mode != "PAY_PER_REQUEST"
    body: dict[str, Any] = {
        "TableName": table.name,
        "KeySchema": [_key_element(element) for element in table.schema],
        "AttributeDefinitions": [
            {"AttributeName": a["AttributeName"], "AttributeType": a["AttributeType"]}
            for a in table.attr
        ],
        "BillingMode": "PROVISIONED" if provisioned else "PAY_PER_REQUEST",
    }
    if provisioned:
        body["ProvisionedThroughput"] = _throughput(table.throughput)
    stream = table.stream_specification or {}
    if stream.get("StreamEnabled"):
        body["StreamSpecification"] = {
            "StreamEnabled": True,
            **({"StreamViewType": stream["StreamViewType"]} if "StreamViewType" in stream else {}),
        }
    if table.global_indexes:
        body["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [_key_element(element) for element in index.schema],
                "Projection": index.projection,
                **({"ProvisionedThroughput": _throughput(index.throughput)} if provisioned else {}),
            }
            for index in table.global_indexes
        ]
    if table.indexes:
        body["LocalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [_key_element(element) for element in index.schema],
                "Projection": index.projection,
            }
            for index in table.indexes
        ]
    if table.sse_specification:
        body["SSESpecification"] = dict(table.sse_specification)
    if table.tags:
        body["Tags"] = [{"Key": tag["Key"], "Value": tag["Value"]} for tag in table.tags]
    if table.deletion_protection_enabled:
        body["DeletionProtectionEnabled"] = True
    return body


def live_items(table: Any) -> Iterator[Any]:
    """`table`'s items, a partition at a time, each partition in sort-key order."""
    # Copies: a read of a missing partition adds an empty one (moto's defaultdict), and reads
    # are not serialised with writes.
    for partition in list(table.items.values()):
        if isinstance(partition, dict):  # a table with a sort key: {sort key: item}
            yield from (item for _, item in sorted(list(partition.items()), key=_sort_key))
        else:
            yield partition


def wire_item(item: Any) -> dict[str, Any]:
    """A moto `Item` in DynamoDB's JSON form, binary values in base64 as on the wire."""
    return {name: wire_value(value) for name, value in item.attrs.items()}


def wire_value(value: Any) -> dict[str, Any]:
    """A moto `DynamoType` (or an attribute value already in JSON form) as on the wire."""
    if isinstance(value, dict):
        kind, content = next(iter(value.items()))
    else:
        kind, content = value.type, value.value
    if kind == "M":
        return {"M": {name: wire_value(member) for name, member in content.items()}}
    if kind == "L":
        return {"L": [wire_value(member) for member in content]}
    if kind == "B":
        return {"B": _base64(content)}
    if kind == "BS":
        return {"BS": [_base64(member) for member in content]}
    return {kind: content}


def _base64(content: Any) -> Any:
    # moto keeps a binary value as received (base64 text) or decoded (bytes), depending on path.
    return base64.b64encode(content).decode("ascii") if isinstance(content, bytes) else content


def _sort_key(entry: tuple[Any, Any]) -> Any:
    return entry[0]


def _key_element(element: dict[str, str]) -> dict[str, str]:
    return {"AttributeName": element["AttributeName"], "KeyType": element["KeyType"]}


def _throughput(throughput: dict[str, Any]) -> dict[str, int]:
    return {
        "ReadCapacityUnits": int(throughput["ReadCapacityUnits"]),
        "WriteCapacityUnits": int(throughput["WriteCapacityUnits"]),
    }


def _request(table: Any, operation: str, body: dict[str, Any]) -> RecordedRequest:
    return RecordedRequest(
        target=f"{DYNAMODB_TARGET_PREFIX}{operation}",
        path="/",
        region=table.region_name,
        headers={"Content-Type": _CONTENT_TYPE, "X-Moto-Account-Id": table.account_id},
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
    )

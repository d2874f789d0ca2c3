"""An erasure's rewrites in DynamoDB: the account's clear-text journal items and snapshot (written
by an earlier version) sealed in place, in transactions of at most 100 items."""

from collections.abc import Mapping, Sequence
from typing import Any

from domain.user_account import UserAccountId
from infrastructure.dynamodb.client import DynamoDbClient
from interface_adapter.event_store.clear_text import is_clear_event, sealed_event, sealed_snapshot
from interface_adapter.event_store.journal_item import (
    binary_value,
    persistence_id,
    stored_event_of,
)
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.serialization.event_types import V2
from interface_adapter.serialization.snapshot_serializer import is_clear_snapshot

MAX_ITEMS_PER_TRANSACTION = 100  # TransactWriteItems takes at most 100 actions.
# Each rewrite only replaces what was read: an item changed meanwhile fails the transaction.
_UNCHANGED = "payload = :old"


async def seal_clear_text(
    client: DynamoDbClient,
    journal_table: str,
    snapshot_table: str,
    keys: DataKeys,
    aggregate_id: UserAccountId,
    journal_items: Sequence[Mapping[str, Any]],
    snapshot_item: Mapping[str, Any] | None,
) -> int:
    """Rewrite, under the account's data key (made when it has none), every item of
    `journal_items` (the account's: `skey` and `payload`) holding clear text as its V2 form,
    and the snapshot when it is V1; how many items were rewritten.

    An UpdateItem of `payload` (and `event_version`) only: keys, sequence numbers, event ids and
    every other attribute stay; the stream sees MODIFY records. Each transaction is all or
    nothing, and one that met an item changed since it was read fails with a conditional check
    (a concurrent writer: the caller decides again). Batched, because every rewrite of an item
    makes the local emulator compact its request journal once per request.
    """
    journal = [
        (item, stored) for item in journal_items if is_clear_event(stored := stored_event_of(item))
    ]
    snapshot = None if snapshot_item is None else binary_value(snapshot_item["payload"])
    clear_snapshot = snapshot is not None and is_clear_snapshot(snapshot)
    if not journal and not clear_snapshot:
        return 0  # nothing in clear: no key needed
    account_id = aggregate_id.value
    key = await keys.find(account_id) or await keys.create(account_id)
    actions = [
        _rewrite(
            journal_table,
            {"pkey": {"S": persistence_id(aggregate_id)}, "skey": item["skey"]},
            binary_value(item["payload"]),
            sealed_event(stored, key),
            version=V2,
        )
        for item, stored in journal
    ]
    if clear_snapshot and snapshot_item is not None and snapshot is not None:
        sealed = sealed_snapshot(snapshot, key)
        actions.append(_rewrite(snapshot_table, {"pkey": snapshot_item["pkey"]}, snapshot, sealed))
    for start in range(0, len(actions), MAX_ITEMS_PER_TRANSACTION):
        chunk = actions[start : start + MAX_ITEMS_PER_TRANSACTION]
        await client.transact_write_items(TransactItems=chunk)
    return len(actions)


def _rewrite(
    table: str, key: Mapping[str, Any], old: bytes, new: bytes, version: str | None = None
) -> dict[str, Any]:
    assignments = "payload = :new" + (", event_version = :version" if version else "")
    values: dict[str, Any] = {":old": {"B": old}, ":new": {"B": new}}
    if version:
        values[":version"] = {"S": version}
    return {
        "Update": {
            "TableName": table,
            "Key": dict(key),
            "UpdateExpression": f"SET {assignments}",
            "ConditionExpression": _UNCHANGED,
            "ExpressionAttributeValues": values,
        }
    }

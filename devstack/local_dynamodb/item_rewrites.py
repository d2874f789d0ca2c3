"""Which mutating requests may remove or replace stored item data, and so compact the journal."""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

# (table name or ARN, the item's attributes or key) -> an item with that key is stored now.
HoldsItem = Callable[[str, Mapping[str, Any]], bool]

# Requests that carry no item data and remove none: appending them leaves no earlier copy. (Of
# these, a compaction keeps what table_rebuild says; the rest, unused here, is lost at the next.)
_NO_ITEM_DATA = frozenset(
    {
        "CreateTable",
        "UpdateTable",
        "UpdateTimeToLive",
        "UpdateContinuousBackups",
        "UpdateContributorInsights",
        "TagResource",
        "UntagResource",
        "CreateBackup",
        "DeleteBackup",
        "PutResourcePolicy",
        "DeleteResourcePolicy",
        "EnableKinesisStreamingDestination",
        "DisableKinesisStreamingDestination",
        "UpdateKinesisStreamingDestination",
    }
)


def rewrites_stored_items(operation: str, body: object, holds: HoldsItem) -> bool:
    """True when `operation` with `body` (its parsed JSON), applied now, may remove or replace a
    stored item.

    An item write addresses its items by key: it rewrites only when one of them is stored
    before it is applied (a conditional PutItem of a new journal item does not). DeleteTable
    always does. Any other operation (PartiQL, restores, one this module does not know) counts
    as a rewrite unless it is known to carry no item data: a compaction too many costs time, one
    too few would leave a copy. A body of another shape counts as a rewrite too (moto then
    refuses the request anyway, and nothing is compacted).
    """
    try:
        addressed = addressed_items(operation, body)
        if addressed is None:
            return True
        return any(holds(table, attributes) for table, attributes in addressed)
    except (KeyError, TypeError, AttributeError, ValueError):
        return True


def addressed_items(operation: str, body: object) -> list[tuple[str, Mapping[str, Any]]] | None:
    """(table, the item's attributes or key) of every item `operation` with `body` writes or
    removes; [] for an operation known to carry no item data; None for one this module does
    not know, or a body of another shape. KeyError and the like for a malformed body."""
    if operation in _NO_ITEM_DATA:
        return []
    addressed = _ADDRESSED_ITEMS.get(operation)
    if addressed is None or not isinstance(body, Mapping):
        return None
    return list(addressed(body))


def _put_item(body: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield body["TableName"], body["Item"]


def _keyed(body: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield body["TableName"], body["Key"]


def _batch_write(body: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for table, requests in body["RequestItems"].items():
        for request in requests:
            if "PutRequest" in request:
                yield table, request["PutRequest"]["Item"]
            if "DeleteRequest" in request:
                yield table, request["DeleteRequest"]["Key"]


def _transact_write(body: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for part in body["TransactItems"]:
        # A ConditionCheck writes nothing.
        if "Put" in part:
            yield part["Put"]["TableName"], part["Put"]["Item"]
        for kind in ("Update", "Delete"):
            if kind in part:
                yield part[kind]["TableName"], part[kind]["Key"]


_ADDRESSED_ITEMS: dict[
    str, Callable[[Mapping[str, Any]], Iterator[tuple[str, Mapping[str, Any]]]]
] = {
    "PutItem": _put_item,
    "UpdateItem": _keyed,
    "DeleteItem": _keyed,
    "BatchWriteItem": _batch_write,
    "TransactWriteItems": _transact_write,
}

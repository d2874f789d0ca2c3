"""The tables of this process's moto backends: whether an item is stored, its current state, how
to rebuild them."""

import base64
import json
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType

from devstack.local_dynamodb.line_index import ItemKey
from devstack.local_dynamodb.recorded_request import RecordedRequest
from devstack.local_dynamodb.table_rebuild import put_item_request, rebuild_table


class LiveTables(Protocol):
    """What the recorder asks of the tables it journals (moto's, or a test's stand-in)."""

    def holds(self, table_name: str, attributes: Mapping[str, Any]) -> bool:
        """True when an item with the key of `attributes` is stored in that table."""
        ...

    def rebuild_requests(self) -> Iterator[RecordedRequest]:
        """Requests that rebuild every journaled table as it now stands."""
        ...

    def key_schema(self, table_name: str) -> tuple[str, str, str | None] | None:
        """(name, hash key attribute, range key attribute or None) of the one table so named
        (or with that ARN); None when there is none, or more than one."""
        ...

    def put_request(self, key: ItemKey) -> RecordedRequest | None:
        """An unconditional PutItem of the item stored at `key` as it now stands; None when
        no item is stored there."""
        ...


class MotoTables:
    """moto's in-process DynamoDB state, every account and region of it.

    Called with the recorder's apply lock held, so no journaled write runs meanwhile. Reads
    and volatile-table writes still do: the dictionaries are copied before being walked.
    """

    def __init__(self, volatile_tables: frozenset[str] = frozenset()) -> None:
        self._volatile_tables = volatile_tables

    def holds(self, table_name: str, attributes: Mapping[str, Any]) -> bool:
        # The request's own account and region are not worked out (moto's rules for them take
        # headers, the URL and the environment): a table of that name in any of them counts.
        # At worst a compaction too many, where two regions hold tables of one name.
        return any(_holds(table, attributes) for table in _tables_named(table_name))

    def rebuild_requests(self) -> Iterator[RecordedRequest]:
        for table in _all_tables():
            if table.name not in self._volatile_tables:
                yield from rebuild_table(table)

    def key_schema(self, table_name: str) -> tuple[str, str, str | None] | None:
        tables = list(_tables_named(table_name))
        if len(tables) != 1:
            return None
        [table] = tables
        return table.name, table.hash_key_attr, table.range_key_attr

    def put_request(self, key: ItemKey) -> RecordedRequest | None:
        table_name, hash_value, range_value = key
        tables = list(_tables_named(table_name))
        if len(tables) != 1:
            return None
        [table] = tables
        partition = _lookup(table.items, json.loads(hash_value))
        if partition is None:
            return None
        if table.range_key_attr is None:
            item = None if isinstance(partition, dict) else partition
        else:
            item = None if range_value is None else _lookup(partition, json.loads(range_value))
        return None if item is None else put_item_request(table, item)


def _all_tables() -> Iterator[Any]:
    for regions in list(dynamodb_backends.values()):
        for backend in list(regions.values()):
            yield from list(backend.tables.values())


def _tables_named(name: str) -> Iterator[Any]:
    # A request may name its table by ARN, as moto accepts.
    return (table for table in _all_tables() if name in (table.name, table.table_arn))


def _holds(table: Any, attributes: Mapping[str, Any]) -> bool:
    """Looked up without moto's `get_item`, which adds an empty partition for a missing key."""
    partition = _lookup(table.items, attributes[table.hash_key_attr])
    if partition is None:
        return False
    if table.range_key_attr is None:
        return not isinstance(partition, dict)
    return _lookup(partition, attributes[table.range_key_attr]) is not None


def _lookup(stored: Mapping[Any, Any], key: Mapping[str, Any]) -> Any:
    """`stored[key]` for a key in its JSON form, or None.

    A binary key is tried as sent (base64 text) and decoded: moto's request parser turns it
    into the bytes it keeps, and a moto that kept the text would still be matched.
    """
    found = stored.get(DynamoType(dict(key)))
    if found is None and "B" in key and isinstance(key["B"], str):
        found = stored.get(DynamoType({"B": base64.b64decode(key["B"])}))
    return found

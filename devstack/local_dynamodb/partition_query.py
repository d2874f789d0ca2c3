"""A Query of one partition that reads only that partition: moto sorts every item of the table
to answer it, a cost that grows with the journal (FACTS.md) and slows every other request."""

import threading
from typing import Any

from moto.dynamodb.models.table import Table

_query_partition = threading.local()
_original_query = Table.query
_original_all_items = Table.all_items
_INDEX_NAME_POSITION = 7  # among query()'s positional arguments after self and hash_key


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = args[_INDEX_NAME_POSITION - 1] if len(args) >= _INDEX_NAME_POSITION else None
    index_name = kwargs.get("index_name", index_name)
    if index_name is not None or hash_key is None or not self.range_key_attr:
        return _original_query(self, hash_key, *args, **kwargs)
    _query_partition.hash_key = hash_key
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        _query_partition.hash_key = None


def _all_items(self: Table) -> Any:
    # The items of the queried partition in sort-key order: what moto's own filter keeps of all.
    hash_key = getattr(_query_partition, "hash_key", None)
    if hash_key is None:
        return _original_all_items(self)
    partition = self.items.get(hash_key) or {}
    return sorted(partition.values(), key=lambda item: item.range_key)


def install_partition_query() -> None:
    """Make moto's Query of a table's own key read only the queried partition (idempotent)."""
    Table.query = _query  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]

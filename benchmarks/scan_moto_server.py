"""`python -m benchmarks.scan_moto_server -H HOST -p PORT`: moto's server whose Scan of one
segment reads only that segment's items from the start key on (scenario 11).

moto sorts every item of the table and hashes each one's key on every Scan page, so a parallel
Scan of a large journal costs a multiple of the table per page: the benchmark would measure
that. Here each segment's sorted items are kept until the table is written again, a page starts
by bisection at its ExclusiveStartKey, and moto's own loop produces the page from there (its
limits, projection and LastEvaluatedKey unchanged). Baseline and figure share the server."""

import bisect
import sys
import threading
from decimal import Decimal
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.server import main as moto_main

_original_scan = Table.scan
_original_put_item = Table.put_item
_original_delete_item = Table.delete_item
_original_all_items = Table.all_items
# table -> its write count; (table, segment, total) -> (write count, items, their keys)
_writes: dict[int, int] = {}
_segments: dict[tuple[int, int, int], tuple[int, list[Any], list[tuple[Any, Any]]]] = {}
# The items moto's loop walks in this thread's Scan (requests are served by several threads).
_slice = threading.local()
_computing = threading.Lock()
_sorted: dict[int, tuple[int, list[Any]]] = {}
_SCAN_PARAMETERS = (
    "filters",
    "limit",
    "exclusive_start_key",
    "filter_expression",
    "index_name",
    "consistent_read",
    "projection_expression",
)


def _written(table: Table) -> None:
    _writes[id(table)] = _writes.get(id(table), 0) + 1


def _put_item(self: Table, *args: Any, **kwargs: Any) -> Any:
    _written(self)
    return _original_put_item(self, *args, **kwargs)


def _delete_item(self: Table, *args: Any, **kwargs: Any) -> Any:
    _written(self)
    return _original_delete_item(self, *args, **kwargs)


def _all_items(self: Table) -> Any:
    items = getattr(_slice, "items", None)
    return _original_all_items(self) if items is None else items


def _sort_key(item: Any) -> tuple[Any, Any]:
    """The (hash, range) order moto sorts by, on plain values (numbers as numbers)."""
    return (_plain(item.hash_key), _plain(item.range_key))


def _plain(value: Any) -> Any:
    return Decimal(value.value) if value.type == "N" else value.value


def _segment_items(table: Table, segments: tuple[int, int]) -> tuple[list[Any], list[Any]]:
    """This segment's items in key order, and their keys; computed once per table write, one
    thread at a time (the others wait for it rather than sort the table too)."""
    cache_key = (id(table), *segments)
    with _computing:
        writes = _writes.get(id(table), 0)
        cached = _segments.get(cache_key)
        if cached is None or cached[0] != writes:
            everything = _sorted.get(id(table))
            if everything is None or everything[0] != writes:
                items = [item for hash_set in table.items.values() for item in hash_set.values()]
                items.sort(key=_sort_key)
                everything = (writes, items)
                _sorted[id(table)] = everything
            mine = [item for item in everything[1] if item.is_within_segment(segments)]
            cached = (writes, mine, [_sort_key(item) for item in mine])
            _segments[cache_key] = cached
        return cached[1], cached[2]


def _scan(self: Table, *args: Any, **kwargs: Any) -> Any:
    kwargs = {**dict(zip(_SCAN_PARAMETERS, args, strict=False)), **kwargs}
    segments = kwargs.get("segments", (None, None))
    if kwargs.get("index_name") or segments == (None, None) or not self.range_key_attr:
        return _original_scan(self, **kwargs)
    items, keys = _segment_items(self, segments)
    start = kwargs.get("exclusive_start_key")
    position = 0
    if start:
        start_key = (
            _plain(DynamoType(start[self.hash_key_attr])),
            _plain(DynamoType(start[self.range_key_attr])),
        )
        position = bisect.bisect_right(keys, start_key)
    # moto's loop from there, over this segment's items only (no start key left to skip to).
    _slice.items = items[position:]
    try:
        return _original_scan(
            self, **{**kwargs, "exclusive_start_key": None, "segments": (None, None)}
        )
    finally:
        _slice.items = None


def main(argv: list[str]) -> None:
    Table.scan = _scan  # type: ignore[method-assign]
    Table.put_item = _put_item  # type: ignore[method-assign]
    Table.delete_item = _delete_item  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]
    moto_main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])

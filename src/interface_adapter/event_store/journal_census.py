"""The journal counted by a parallel Scan: its events, its accounts (each one's first event),
the deleted ones and the erased ones, for an operator to hold against the read model."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from infrastructure.dynamodb.client import DynamoDbClient
from interface_adapter.serialization.event_types import DELETED, ERASED

DEFAULT_SEGMENTS = 4


class ScanClient(DynamoDbClient, Protocol):
    async def scan(self, **kwargs: Any) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class JournalCensus:
    events: int
    accounts: int
    # Deleted and not erased, as the read model counts its tombstones (an erased row keeps no
    # deletion time).
    deleted: int
    erased: int = 0


@dataclass(slots=True)
class _SegmentCount:
    events: int = 0
    accounts: int = 0
    # Partition keys: an account's Deleted and Erased events may lie in different segments.
    deleted: list[str | None] = field(default_factory=list)
    erased: set[str | None] = field(default_factory=set)


async def approximate_event_count(client: DynamoDbClient, table_name: str) -> int:
    """DescribeTable's ItemCount: AWS refreshes it about every six hours (a progress total)."""
    description = await client.describe_table(TableName=table_name)
    count: int = description["Table"].get("ItemCount", 0)
    return count


async def count_journal(
    client: ScanClient,
    table_name: str,
    segments: int = DEFAULT_SEGMENTS,
    on_items: Callable[[int], None] = lambda count: None,
) -> JournalCensus:
    """Scan every item's keys and event type (no payload) in `segments` parallel segments;
    `on_items` is told the size of every page."""
    counts = await asyncio.gather(
        *(
            _count_segment(client, table_name, segment, segments, on_items)
            for segment in range(segments)
        )
    )
    erased = set().union(*(census.erased for census in counts))
    return JournalCensus(
        events=sum(census.events for census in counts),
        accounts=sum(census.accounts for census in counts),
        deleted=sum(key not in erased for census in counts for key in census.deleted),
        erased=len(erased),
    )


async def _count_segment(
    client: ScanClient,
    table_name: str,
    segment: int,
    segments: int,
    on_items: Callable[[int], None],
) -> _SegmentCount:
    count = _SegmentCount()
    request: dict[str, Any] = {
        "TableName": table_name,
        "ProjectionExpression": "#key, #seq, #type",
        "ExpressionAttributeNames": {"#key": "pkey", "#seq": "skey", "#type": "event_type"},
        "Segment": segment,
        "TotalSegments": segments,
    }
    while True:
        response = await client.scan(**request)
        items: list[dict[str, Any]] = response.get("Items", [])
        count.events += len(items)
        # Sequence numbers start at 1: one first event per account.
        count.accounts += sum(1 for item in items if item.get("skey", {}).get("N") == "1")
        for item in items:
            event_type = item.get("event_type", {}).get("S")
            if event_type == DELETED:
                count.deleted.append(item.get("pkey", {}).get("S"))
            elif event_type == ERASED:
                count.erased.add(item.get("pkey", {}).get("S"))
        on_items(len(items))
        if "LastEvaluatedKey" not in response:
            return count
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

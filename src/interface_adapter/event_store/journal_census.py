"""The journal counted by a parallel Scan: its events, its accounts (each one's first event)
and the deleted ones, for an operator to hold against the read model."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from infrastructure.dynamodb.client import DynamoDbClient
from interface_adapter.serialization.event_types import DELETED

DEFAULT_SEGMENTS = 4


class ScanClient(DynamoDbClient, Protocol):
    async def scan(self, **kwargs: Any) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class JournalCensus:
    events: int
    accounts: int
    deleted: int


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
    """Scan every item's sequence number and event type (no payload) in `segments` parallel
    segments; `on_items` is told the size of every page."""
    counts = await asyncio.gather(
        *(
            _count_segment(client, table_name, segment, segments, on_items)
            for segment in range(segments)
        )
    )
    return JournalCensus(
        events=sum(census.events for census in counts),
        accounts=sum(census.accounts for census in counts),
        deleted=sum(census.deleted for census in counts),
    )


async def _count_segment(
    client: ScanClient,
    table_name: str,
    segment: int,
    segments: int,
    on_items: Callable[[int], None],
) -> JournalCensus:
    events = accounts = deleted = 0
    request: dict[str, Any] = {
        "TableName": table_name,
        "ProjectionExpression": "#seq, #type",
        "ExpressionAttributeNames": {"#seq": "skey", "#type": "event_type"},
        "Segment": segment,
        "TotalSegments": segments,
    }
    while True:
        response = await client.scan(**request)
        items: list[dict[str, Any]] = response.get("Items", [])
        events += len(items)
        # Sequence numbers start at 1: one first event per account.
        accounts += sum(1 for item in items if item.get("skey", {}).get("N") == "1")
        deleted += sum(1 for item in items if item.get("event_type", {}).get("S") == DELETED)
        on_items(len(items))
        if "LastEvaluatedKey" not in response:
            return JournalCensus(events, accounts, deleted)
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

"""One segment of the journal's parallel Scan, page by page (the next page asked for while the
current one is applied), each page's items decoded with their accounts' data keys."""

import asyncio
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from interface_adapter.event_store.journal_census import ScanClient
from interface_adapter.event_store.journal_item import persistence_id, stored_event_of
from interface_adapter.personal_data.batched_key_lookup import KeyLookup
from interface_adapter.serialization.upcasters import upcast
from use_case.ports import JournalEvent

# What the rebuild reads of an item: the envelope is the source of truth (journal_item).
PROJECTION = "pkey, skey, payload"
# What a broken item raises while decoded: protobuf, decryption and unknown-type errors are
# ValueErrors.
DECODING_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


class UndecodableJournalItemError(Exception):
    """A journal item this code cannot read: a rebuild that skipped it would build a wrong row.
    The message names the item and the error, never a value of its payload."""


@dataclass(frozen=True, slots=True)
class ScanPage:
    items: list[dict[str, Any]]
    # Where the next page starts; None: this page was the segment's last.
    last_evaluated_key: dict[str, Any] | None


def segment_request(
    table_name: str,
    segment: int,
    total_segments: int,
    start_key: Mapping[str, Any] | None,
    page_size: int | None = None,
) -> dict[str, Any]:
    """The Scan of one segment (strongly consistent), from `start_key` (None: the start), in
    pages of at most `page_size` items (None: DynamoDB's, up to 1 MB)."""
    request: dict[str, Any] = {
        "TableName": table_name,
        "Segment": segment,
        "TotalSegments": total_segments,
        "ProjectionExpression": PROJECTION,
        "ConsistentRead": True,
    }
    if start_key is not None:
        request["ExclusiveStartKey"] = dict(start_key)
    if page_size is not None:
        request["Limit"] = page_size
    return request


async def scan_pages(
    client: ScanClient, request: Mapping[str, Any]
) -> AsyncGenerator[ScanPage, None]:
    """The pages of `request`, the next one already asked for when a page is handed out."""
    pending = asyncio.ensure_future(client.scan(**request))
    try:
        while True:
            response = await pending
            last_key: dict[str, Any] | None = response.get("LastEvaluatedKey")
            if last_key is not None:
                pending = asyncio.ensure_future(
                    client.scan(**{**request, "ExclusiveStartKey": last_key})
                )
            yield ScanPage(response.get("Items", []), last_key)
            if last_key is None:
                return
    finally:
        if not pending.done():
            pending.cancel()


async def decode_items(items: Sequence[Mapping[str, Any]], keys: KeyLookup) -> list[JournalEvent]:
    """The events of a page's items; the keys of the accounts that need one looked up together
    (an account without one: its V2 events decode to ErasedPersonalData)."""
    stored = []
    for item in items:
        try:
            stored.append(stored_event_of(item))
        except DECODING_ERRORS as error:
            raise _undecodable(item, error) from error
    owners = sorted({event.account_id for event in stored if event.needs_key})
    found = await keys(owners) if owners else {}
    events: list[JournalEvent] = []
    for item, event in zip(items, stored, strict=True):
        try:
            decoded = upcast(event, found.get(event.account_id))
            if persistence_id(decoded.aggregate_id) != item["pkey"]["S"]:
                raise ValueError(f"the payload is an event of {decoded.aggregate_id}")
        except DECODING_ERRORS as error:
            raise _undecodable(item, error) from error
        events.append(decoded)
    return events


def _undecodable(item: Mapping[str, Any], error: Exception) -> UndecodableJournalItemError:
    pkey = item.get("pkey", {}).get("S", "?")
    skey = item.get("skey", {}).get("N", "?")
    return UndecodableJournalItemError(
        f"journal item {pkey} #{skey}: {type(error).__name__}: {error}"
    )

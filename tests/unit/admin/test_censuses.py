"""What status counts: the journal by a segmented Scan (sequence numbers and event types only),
and a parked record's metadata (never its payload)."""

from collections.abc import Mapping
from typing import Any

import pytest

from interface_adapter.event_store.journal_census import JournalCensus, count_journal
from interface_adapter.stream.parked_record import record_metadata
from tests.support.stream_batches import Batch

pytestmark = pytest.mark.unit


class PagedScans:
    """A Scan over `items`, each segment its share, answered two items a page."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.requests: list[dict[str, Any]] = []

    async def scan(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        mine = self.items[request["Segment"] :: request["TotalSegments"]]
        start = request.get("ExclusiveStartKey", {}).get("at", 0)
        answer: dict[str, Any] = {"Items": mine[start : start + 2]}
        if start + 2 < len(mine):
            answer["LastEvaluatedKey"] = {"at": start + 2}
        return answer


def item(seq_nr: int, event_type: str) -> dict[str, Any]:
    return {"skey": {"N": str(seq_nr)}, "event_type": {"S": f"UserAccountEvent.{event_type}"}}


async def test_the_journal_census_counts_first_events_and_deletions_over_every_segment() -> None:
    items = [item(1, "Created"), item(2, "Renamed"), item(1, "Created"), item(3, "Deleted")]
    items += [item(1, "Created") for _ in range(5)]
    scans = PagedScans(items)
    seen: list[int] = []
    census = await count_journal(scans, "journal", segments=3, on_items=seen.append)  # type: ignore[arg-type]
    assert census == JournalCensus(events=9, accounts=7, deleted=1)
    assert sum(seen) == 9
    assert {request["Segment"] for request in scans.requests} == {0, 1, 2}
    # Only the sort key and the event type are read: never a payload.
    assert {request["ExpressionAttributeNames"]["#seq"] for request in scans.requests} == {"skey"}


def keyed(account: str, seq_nr: int, event_type: str) -> dict[str, Any]:
    return {"pkey": {"S": f"UserAccount-{account}"}, **item(seq_nr, event_type)}


async def test_an_erased_account_counts_erased_and_not_deleted_as_its_row_does() -> None:
    items = [keyed("A", 1, "Created"), keyed("A", 2, "Deleted"), keyed("A", 3, "Erased")]
    items += [keyed("B", 1, "Created"), keyed("B", 2, "Deleted")]
    items += [keyed("C", 1, "Created"), keyed("C", 2, "Erased")]
    # Three segments: an account's Deleted and Erased fall into different ones.
    census = await count_journal(PagedScans(items), "journal", segments=3)  # type: ignore[arg-type]
    assert census == JournalCensus(events=7, accounts=3, deleted=1, erased=2)


class NoPayload(dict[str, Any]):
    """A journal item that fails the test when its payload is looked at."""

    def __getitem__(self, key: str) -> Any:
        assert key != "payload"
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        assert key != "payload"
        return super().get(key, default)


async def test_a_records_metadata_comes_from_its_keys_and_plain_attributes() -> None:
    batch = Batch()
    account = await batch.write.create("Taro", "Yamada")
    await batch.add(account, 1)
    record = batch.records[0]
    record["dynamodb"]["NewImage"] = NoPayload(record["dynamodb"]["NewImage"])
    metadata = record_metadata(record)
    assert metadata.partition_key == f"UserAccount-{account.value}"
    assert (metadata.seq_nr, metadata.event_type, metadata.event_version) == (
        1,
        "UserAccountEvent.Created",
        "V2",
    )
    assert metadata.event_name == "INSERT"
    assert metadata.written_at is not None
    assert (metadata.correlation_id, metadata.traceparent) == (None, None)


@pytest.mark.parametrize(
    "broken",
    [{}, {"dynamodb": "nonsense"}, {"eventName": 3, "dynamodb": {"Keys": {"skey": {"N": "x"}}}}],
)
def test_a_broken_record_has_what_it_lacks_as_none(broken: Mapping[str, Any]) -> None:
    metadata = record_metadata(broken)
    assert (metadata.partition_key, metadata.seq_nr, metadata.event_type) == (None, None, None)
    assert metadata.event_name is None

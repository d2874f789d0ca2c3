"""The stream consumer's metrics after known batches: events applied, batches by result, the
lag of the last record applied per shard (0 once caught up, gone once the shard is left), and
the leases held."""

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from infrastructure.backoff import Backoff
from infrastructure.stream_consumer import (
    BatchOutcome,
    ConsumerMetrics,
    FailureKind,
    PollerOptions,
    ProgressLog,
    RecordFailure,
    Shard,
    ShardBatchRunner,
    ShardReader,
    ShardRef,
)
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.metrics import Metrics
from tests.unit.stream_consumer.fake_streams import STREAM_ARN, FakeShard, FakeStreams

pytestmark = pytest.mark.unit

REF = ShardRef(STREAM_ARN, "shard-1", "journal")
T0 = datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
OPTIONS = PollerOptions(
    poll_interval_seconds=0.001, retry=Backoff(0.001, 0.002), max_attempts=2, batch_size=10
)


def records(count: int, created: datetime = T0) -> list[dict[str, Any]]:
    return [
        {
            "eventName": "INSERT",
            "dynamodb": {
                "SequenceNumber": str(n),
                "ApproximateCreationDateTime": created.timestamp(),
            },
        }
        for n in range(1, count + 1)
    ]


class Handler:
    """Applies every record but those in `broken` (which fail on their own data); reports
    `gaps_filled` events read from the journal on the way."""

    def __init__(self, broken: frozenset[str] = frozenset(), gaps_filled: int = 0) -> None:
        self.broken = broken
        self.gaps_filled = gaps_filled

    async def __call__(self, batch: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        failures = [
            RecordFailure(n, n, n, FailureKind.UNDECODABLE, "broken", True)
            for n in numbers
            if n in self.broken
        ]
        gaps, self.gaps_filled = self.gaps_filled, 0
        return BatchOutcome(len(numbers) - len(failures), 0, gaps, 0, failures)


class Observed:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.metrics = ConsumerMetrics(self.registry)
        self.store = InMemoryCheckpointStore()

    def runner(self, handler: Handler) -> ShardBatchRunner:
        return ShardBatchRunner(
            handler, self.store, OPTIONS, ProgressLog(), now=lambda: T0, metrics=self.metrics
        )

    def scrape(self) -> Metrics:
        return Metrics(generate_latest(self.registry).decode())


async def test_a_batch_counts_its_events_and_sets_the_lag_of_its_last_record() -> None:
    observed = Observed()
    run = observed.runner(Handler(gaps_filled=2))
    await run(REF, records(4, created=T0 - timedelta(seconds=3)), asyncio.Event())
    scraped = observed.scrape()
    assert scraped.value("updater_events_applied_total") == 6  # 4 from the stream, 2 gaps
    assert scraped.value("updater_batches_total", result="applied") == 1
    assert scraped.value("updater_batches_total", result="parked") == 0
    assert scraped.value("updater_lag_seconds", shard="shard-1") == 3.0


async def test_a_batch_that_parks_a_record_is_counted_as_parked() -> None:
    observed = Observed()
    await observed.runner(Handler(broken=frozenset({"2"})))(REF, records(3), asyncio.Event())
    scraped = observed.scrape()
    assert scraped.value("updater_batches_total", result="parked") == 1
    assert scraped.value("updater_batches_total", result="applied") == 0
    assert scraped.value("updater_events_applied_total") == 2
    assert scraped.value("updater_lag_seconds", shard="shard-1") == 0.0
    await observed.metrics.count_dead_letters_with(observed.store.count_dead_letters)
    assert observed.scrape().value("updater_dead_letters") == 1


async def test_a_batch_stopped_before_its_end_is_interrupted_and_sets_no_lag() -> None:
    observed = Observed()
    stop = asyncio.Event()
    stop.set()  # the first retry's wait ends at once: the broken record is never parked
    await observed.runner(Handler(broken=frozenset({"3"})))(REF, records(3), stop)
    scraped = observed.scrape()
    assert scraped.value("updater_batches_total", result="interrupted") == 1
    assert scraped.value("updater_events_applied_total") == 2
    assert not scraped.has("updater_lag_seconds", shard="shard-1")


async def test_a_reader_that_finds_nothing_new_is_caught_up_and_leaves_no_lag_behind() -> None:
    observed = Observed()
    streams = FakeStreams([FakeShard("shard-1", None, records(2, T0 - timedelta(hours=1)))])
    reader = ShardReader(
        streams,
        observed.runner(Handler()),
        observed.store,
        OPTIONS,
        metrics=observed.metrics,
    )
    stop = asyncio.Event()
    reading = asyncio.create_task(reader.read(REF, Shard("shard-1", None, "1"), None, stop))
    # The records, an empty answer, and a third call: made once the empty answer was handled.
    for _ in range(10_000):
        if len(streams.calls_of("get_records")) >= 3:
            break
        await asyncio.sleep(0.001)
    assert observed.scrape().value("updater_lag_seconds", shard="shard-1") == 0.0
    assert observed.scrape().value("updater_events_applied_total") == 2
    stop.set()
    await reading
    assert not observed.scrape().has("updater_lag_seconds", shard="shard-1")


def test_the_leases_held_are_asked_for_at_each_scrape() -> None:
    observed = Observed()
    held = [0]
    observed.metrics.count_leases_with(lambda: held[0])
    assert observed.scrape().value("updater_shard_leases_held") == 0
    held[0] = 2
    assert observed.scrape().value("updater_shard_leases_held") == 2

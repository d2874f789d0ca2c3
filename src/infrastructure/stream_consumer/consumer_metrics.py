"""ConsumerMetrics: what the stream consumer has applied, how far behind it is, what it holds."""

from collections.abc import Awaitable, Callable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge

# updater_batches_total's `result`.
APPLIED = "applied"  # every record applied (or skipped as already applied)
PARKED = "parked"  # every record applied or parked, at least one parked
INTERRUPTED = "interrupted"  # a stop came first: the rest of the batch comes again
RESULTS = (APPLIED, PARKED, INTERRUPTED)


class ConsumerMetrics:
    """`updater_events_applied_total`, `updater_batches_total{result}`,
    `updater_lag_seconds{shard}`, `updater_dead_letters`, `updater_shard_leases_held`.

    Without a registry the metrics are kept but shown nowhere (unit tests; the metrics off).
    Counted per batch, never per record.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self._events = Counter(
            "updater_events_applied",
            "Events applied to the target (from the stream, or read from the journal to fill a"
            " gap); duplicates are not counted",
            registry=registry,
        )
        batches = Counter(
            "updater_batches",
            "Batches run: applied (every record), parked (some parked), interrupted (by a stop)",
            ["result"],
            registry=registry,
        )
        self._batches = {result: batches.labels(result) for result in RESULTS}
        self._lag = Gauge(
            "updater_lag_seconds",
            "Per shard read by this process: now minus the approximate creation time of the"
            " last record applied; 0 once a read finds no newer record",
            ["shard"],
            registry=registry,
        )
        self._dead_letters = Gauge(
            "updater_dead_letters", "Records parked in the dead-letter table", registry=registry
        )
        self._leases = Gauge(
            "updater_shard_leases_held", "Shard leases this process holds", registry=registry
        )

    def batch_done(
        self, shard_id: str, result: str, events: int, newest: datetime | None, now: datetime
    ) -> None:
        """A batch ended with `result`, `events` applied; `newest`: its last record's time."""
        self._batches[result].inc()
        if events:
            self._events.inc(events)
        if newest is not None and result != INTERRUPTED:
            self._lag.labels(shard_id).set(max((now - newest).total_seconds(), 0.0))

    def caught_up(self, shard_id: str) -> None:
        """A read of the shard found no record after those applied."""
        self._lag.labels(shard_id).set(0.0)

    def shard_left(self, shard_id: str) -> None:
        """This process no longer reads the shard: its lag is someone else's to tell."""
        self._lag.remove(shard_id)

    def count_leases_with(self, held: Callable[[], int]) -> None:
        """The leases held, asked of `held` whenever the metrics are read."""
        self._leases.set_function(held)

    async def count_dead_letters_with(self, count: Callable[[], Awaitable[int]]) -> None:
        """Bring the dead-letter count up to date from `count` (before a scrape)."""
        self._dead_letters.set(await count())

"""How the local stream poller paces itself: polling, retries, dead-lettering, discovery."""

from dataclasses import dataclass, field

from infrastructure.backoff import Backoff

MAX_BATCH_SIZE = 100  # what Lambda's event source mapping hands a function by default
MAX_GET_RECORDS_LIMIT = 1000  # the most one GetRecords call returns
MAX_POLL_INTERVAL_SECONDS = 0.25
ACTIVE_POLL_INTERVAL_SECONDS = 0.025
ACTIVE_WINDOW_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class PollerOptions:
    # The wait after a GetRecords answer that was not full; a full one is followed at once.
    poll_interval_seconds: float = MAX_POLL_INTERVAL_SECONDS
    # Records applied and checkpointed together (one read-model transaction).
    batch_size: int = MAX_BATCH_SIZE
    # Waits between retries of failed records, and of calls to unreachable services.
    retry: Backoff = field(default_factory=lambda: Backoff(0.2, 5.0))
    # Failed attempts after which a record is parked in the dead-letter table.
    max_attempts: int = 5
    # How often the table's current stream and its shards are looked up again.
    discovery_interval_seconds: float = 5.0
    # A shard lease lasts this long unless renewed (every third of it); another updater takes
    # over a shard within about this time after its holder died.
    lease_seconds: float = 10.0
    # The Limit of each GetRecords call; the answer is applied in batches of `batch_size`. Few
    # large calls: a stream serves records far slower than the read model takes them, and the
    # local emulator spends much of each call on its own overhead.
    get_records_limit: int = MAX_GET_RECORDS_LIMIT
    # The wait instead while the shard is active (it had records in the last `active_window`):
    # a write is then visible in about this long plus the apply, not a quarter second. An idle
    # shard goes back to `poll_interval_seconds`: an empty poll costs the stream (the local
    # emulator's CPU: docs/performance.md) about as much as this process.
    active_poll_interval_seconds: float = ACTIVE_POLL_INTERVAL_SECONDS
    active_window_seconds: float = ACTIVE_WINDOW_SECONDS

    def wait_after(self, seconds_since_records: float) -> float:
        """The wait before the next poll after an answer that was not full."""
        if seconds_since_records < self.active_window_seconds:
            return min(self.active_poll_interval_seconds, self.poll_interval_seconds)
        return self.poll_interval_seconds

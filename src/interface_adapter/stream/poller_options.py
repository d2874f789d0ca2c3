"""How the local stream poller paces itself: polling, retries, dead-lettering, discovery."""

from dataclasses import dataclass, field

from infrastructure.backoff import Backoff

MAX_BATCH_SIZE = 100  # what Lambda's event source mapping hands a function by default
MAX_POLL_INTERVAL_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class PollerOptions:
    # The wait after a batch that was not full; a full batch is followed at once by the next.
    poll_interval_seconds: float = MAX_POLL_INTERVAL_SECONDS
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

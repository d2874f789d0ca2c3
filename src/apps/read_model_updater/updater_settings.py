"""The local poller's own environment variables (pacing and retries), on top of Settings."""

import os
from collections.abc import Mapping

from infrastructure.backoff import Backoff
from infrastructure.settings import int_in_range
from infrastructure.stream_consumer import (
    ACTIVE_POLL_INTERVAL_SECONDS,
    MAX_BATCH_SIZE,
    MAX_GET_RECORDS_LIMIT,
    MAX_POLL_INTERVAL_SECONDS,
    PollerOptions,
)

_MAX_POLL_INTERVAL_MS = int(MAX_POLL_INTERVAL_SECONDS * 1000)
_ACTIVE_POLL_INTERVAL_MS = int(ACTIVE_POLL_INTERVAL_SECONDS * 1000)


def poller_options_from_env(environ: Mapping[str, str] | None = None) -> PollerOptions:
    """UPDATER_POLL_INTERVAL_MS (1..250, default 250): the wait after a GetRecords answer that was
    not full, UPDATER_ACTIVE_POLL_INTERVAL_MS (1..UPDATER_POLL_INTERVAL_MS, default 25): that wait
    while the shard had records in the last two seconds, UPDATER_BATCH_SIZE (1..100, default 100):
    records applied and checkpointed together, UPDATER_GET_RECORDS_LIMIT (1..1000, default
    1000): the Limit of each GetRecords call,
    UPDATER_RETRY_BASE_MS (200) and UPDATER_RETRY_MAX_MS (5000): the first wait after a failure
    and the cap of the doubling waits, UPDATER_MAX_ATTEMPTS (5): failed attempts before a record
    is parked, UPDATER_DISCOVERY_INTERVAL_MS (5000): how often shards and the table's current
    stream are looked up again, UPDATER_LEASE_MS (10000): how long a shard lease lasts unless
    renewed (renewed every third of it; another updater takes a shard over within about that
    time after its holder died)."""
    env = os.environ if environ is None else environ
    retry_base = int_in_range(env, "UPDATER_RETRY_BASE_MS", 200, 1, 600_000)
    poll_interval_ms = int_in_range(env, "UPDATER_POLL_INTERVAL_MS", 250, 1, _MAX_POLL_INTERVAL_MS)
    active_poll_interval_ms = int_in_range(
        env,
        "UPDATER_ACTIVE_POLL_INTERVAL_MS",
        min(_ACTIVE_POLL_INTERVAL_MS, poll_interval_ms),
        1,
        poll_interval_ms,
    )
    return PollerOptions(
        poll_interval_seconds=poll_interval_ms / 1000,
        batch_size=int_in_range(env, "UPDATER_BATCH_SIZE", MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE),
        retry=Backoff(
            base_seconds=retry_base / 1000,
            max_seconds=int_in_range(env, "UPDATER_RETRY_MAX_MS", 5000, retry_base, 3_600_000)
            / 1000,
        ),
        max_attempts=int_in_range(env, "UPDATER_MAX_ATTEMPTS", 5, 1, 1000),
        discovery_interval_seconds=int_in_range(
            env, "UPDATER_DISCOVERY_INTERVAL_MS", 5000, 10, 600_000
        )
        / 1000,
        lease_seconds=int_in_range(env, "UPDATER_LEASE_MS", 10_000, 300, 3_600_000) / 1000,
        get_records_limit=int_in_range(
            env, "UPDATER_GET_RECORDS_LIMIT", MAX_GET_RECORDS_LIMIT, 1, MAX_GET_RECORDS_LIMIT
        ),
        active_poll_interval_seconds=active_poll_interval_ms / 1000,
    )

"""Progress of the poller as one INFO line per interval of activity, never one per batch."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, fields

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Counts:
    batches: int = 0
    records: int = 0
    applied: int = 0
    duplicates: int = 0
    gaps_filled: int = 0
    ignored: int = 0
    retries: int = 0
    parked: int = 0


class ProgressLog:
    """Accumulates counts; `flush` logs them (when there are any) and starts again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._counts = _Counts()
        self._since = clock()
        self._lag_seconds: float | None = None

    def batch(
        self,
        records: int,
        applied: int,
        duplicates: int,
        gaps_filled: int,
        ignored: int,
        lag_seconds: float | None,
    ) -> None:
        counts = self._counts
        counts.batches += 1
        counts.records += records
        counts.applied += applied
        counts.duplicates += duplicates
        counts.gaps_filled += gaps_filled
        counts.ignored += ignored
        if lag_seconds is not None:
            self._lag_seconds = lag_seconds

    def retried(self, records: int) -> None:
        self._counts.retries += records

    def parked(self, records: int) -> None:
        self._counts.parked += records

    def flush(self) -> None:
        now = self._clock()
        counts, elapsed = self._counts, max(now - self._since, 1e-9)
        if counts.batches or counts.retries or counts.parked:
            logger.info(
                "stream progress",
                extra={
                    **{field.name: getattr(counts, field.name) for field in fields(counts)},
                    "records_per_second": round(counts.records / elapsed, 1),
                    # The age of the newest record read: how far behind the journal we are.
                    "lag_ms": None if self._lag_seconds is None else int(self._lag_seconds * 1000),
                },
            )
        self._counts = _Counts()
        self._since = now

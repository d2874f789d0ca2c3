"""The figures of each sampling window (10 s): what the progress lines and the plot show."""

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.soak.records import LagRecord, OperationRecord, RequestRecord
from benchmarks.soak.stats import percentile


@dataclass(frozen=True, slots=True)
class Window:
    end: float
    operations_per_second: float
    requests_per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    lag_p50_ms: float
    lag_p99_ms: float
    errors: int


def window(
    start: float,
    end: float,
    operations: Sequence[OperationRecord],
    requests: Sequence[RequestRecord],
    lags: Sequence[LagRecord],
) -> Window:
    """The figures of what ended in (start, end]."""
    seconds = max(end - start, 1e-9)
    ops = sum(start < o.at <= end for o in operations)
    answered = [r for r in requests if start < r.at <= end]
    waited = [lag for lag in lags if start < lag.at <= end]
    latencies = [r.seconds * 1000 for r in answered]
    lag_values = [lag.seconds * 1000 for lag in waited]
    return Window(
        end=end,
        operations_per_second=ops / seconds,
        requests_per_second=len(answered) / seconds,
        latency_p50_ms=percentile(latencies, 0.5),
        latency_p99_ms=percentile(latencies, 0.99),
        lag_p50_ms=percentile(lag_values, 0.5),
        lag_p99_ms=percentile(lag_values, 0.99),
        errors=sum(r.error is not None for r in answered) + sum(not lag.visible for lag in waited),
    )


def windows(
    duration: float,
    step: float,
    operations: Sequence[OperationRecord],
    requests: Sequence[RequestRecord],
    lags: Sequence[LagRecord],
) -> list[Window]:
    """Windows of `step` seconds; the last one ends at `duration` (the operations still in
    flight when the load's time was up end in it)."""
    count = max(1, round(duration / step))
    return [
        window(i * step, duration if i == count - 1 else (i + 1) * step, operations, requests, lags)
        for i in range(count)
    ]

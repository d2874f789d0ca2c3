"""The pure arithmetic of the soak: percentiles, figures per minute, the targets."""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from benchmarks.soak.records import LagRecord, OperationRecord, RequestRecord, Sample

LAG_P99_LIMIT_MS = 300.0
RSS_GROWTH_LIMIT = 1.15
# The stores hold the data in memory, which grows with every event by design (moto keeps the
# whole journal in memory; PostgreSQL's buffers fill as the rows grow): their RSS is shown, the
# target is on the project's own processes. Their descriptors are gated like any service's.
DATA_STORES = frozenset({"dynamodb", "postgres"})
# Descriptors a service may have at the end beyond the most of its warm-up: a pool's connection
# opened while another is closing, a lease renewal's. A leak grows past it within minutes.
FDS_SLACK = 2


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` of 1) of `values`; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(len(ordered), rank) - 1]


@dataclass(frozen=True, slots=True)
class Minute:
    """The figures of one minute of load (the last one may be shorter: `seconds`)."""

    minute: int
    seconds: float
    operations: int
    requests: int
    errors: int
    latency_p50_ms: float
    latency_p99_ms: float
    lag_p50_ms: float
    lag_p99_ms: float
    lags: int
    rss_bytes: Mapping[str, int]
    fds: Mapping[str, int]
    connections: Mapping[str, int]

    @property
    def operations_per_second(self) -> float:
        return self.operations / self.seconds if self.seconds > 0 else 0.0

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "minute": self.minute,
            "seconds": round(self.seconds, 3),
            "operations": self.operations,
            "operations_per_second": round(self.operations_per_second, 2),
            "requests": self.requests,
            "requests_per_second": round(self.requests_per_second, 2),
            "errors": self.errors,
            "latency_ms": {"p50": _ms(self.latency_p50_ms), "p99": _ms(self.latency_p99_ms)},
            "lag_ms": {
                "p50": _ms(self.lag_p50_ms),
                "p99": _ms(self.lag_p99_ms),
                "count": self.lags,
            },
            "rss_bytes": dict(self.rss_bytes),
            "fds": dict(self.fds),
            "connections": dict(self.connections),
        }


def _ms(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 2)


def minutes(
    duration: float,
    operations: Iterable[OperationRecord],
    requests: Iterable[RequestRecord],
    lags: Iterable[LagRecord],
    samples: Sequence[Sample],
) -> list[Minute]:
    """One Minute per minute of `duration` seconds, the last one to its end (the operations in
    flight when the load's time was up end in it); each minute's RSS and descriptors are those
    of its last sample (the one at its end, when sampling kept time)."""
    count = max(1, round(duration / 60))

    def bucket(at: float) -> int:
        return min(count - 1, max(0, int(at // 60)))

    ops = [0] * count
    for operation in operations:
        ops[bucket(operation.at)] += 1
    latencies: list[list[float]] = [[] for _ in range(count)]
    errors = [0] * count
    for request in requests:
        latencies[bucket(request.at)].append(request.seconds * 1000)
        errors[bucket(request.at)] += request.error is not None
    lag_values: list[list[float]] = [[] for _ in range(count)]
    for lag in lags:
        lag_values[bucket(lag.at)].append(lag.seconds * 1000)
        errors[bucket(lag.at)] += not lag.visible
    result = []
    for index in range(count):
        start = index * 60.0
        end = duration if index == count - 1 else (index + 1) * 60.0
        # A sample at a minute's boundary belongs to the minute it closes.
        within = [s for s in samples if start < s.at <= end + 1e-6] or [
            s for s in samples if s.at <= end + 1e-6
        ][-1:]
        last = within[-1] if within else None
        result.append(
            Minute(
                minute=index + 1,
                seconds=max(0.0, end - start),
                operations=ops[index],
                requests=len(latencies[index]),
                errors=errors[index],
                latency_p50_ms=percentile(latencies[index], 0.50),
                latency_p99_ms=percentile(latencies[index], 0.99),
                lag_p50_ms=percentile(lag_values[index], 0.50),
                lag_p99_ms=percentile(lag_values[index], 0.99),
                lags=len(lag_values[index]),
                rss_bytes={n: s.rss_bytes for n, s in last.services.items()} if last else {},
                fds={n: s.fds for n, s in last.services.items()} if last else {},
                connections={
                    n: s.connections
                    for n, s in (last.services.items() if last else ())
                    if s.connections is not None
                },
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class TargetResult:
    name: str
    passed: bool
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


def reference_sample(samples: Sequence[Sample], seconds: float) -> Sample | None:
    """The first sample taken at or after `seconds` into the load (None if none was)."""
    return next((sample for sample in samples if sample.at >= seconds - 1e-6), None)


def evaluate(
    *,
    unexpected_errors: int,
    invisible_commands: int,
    acknowledged_commands: int,
    visibility_checked: bool,
    minute_figures: Sequence[Minute],
    samples: Sequence[Sample],
    reference_seconds: float,
) -> list[TargetResult]:
    """The five targets of the soak (issue 16), each with what decided it."""
    results = [
        TargetResult(
            "0 unexpected errors", unexpected_errors == 0, f"{unexpected_errors} unexpected"
        ),
        TargetResult(
            "every acknowledged command visible in the read model at the end",
            visibility_checked and invisible_commands == 0 and acknowledged_commands > 0,
            (
                f"{acknowledged_commands - invisible_commands} of {acknowledged_commands} "
                "visible; the read model equals a replay of the journal"
                if visibility_checked
                else f"not checked: {invisible_commands} of {acknowledged_commands} not seen"
            ),
        ),
        _lag_target(minute_figures),
    ]
    results.extend(_growth_targets(samples, reference_seconds))
    return results


def _lag_target(minute_figures: Sequence[Minute]) -> TargetResult:
    name = f"read-after-write lag p99 ≤ {LAG_P99_LIMIT_MS:g} ms in every minute"
    worst = [m.lag_p99_ms for m in minute_figures]
    if not worst or any(math.isnan(value) for value in worst):
        return TargetResult(name, False, "a minute without any read-after-write measured")
    over = [m.minute for m in minute_figures if m.lag_p99_ms > LAG_P99_LIMIT_MS]
    detail = f"worst minute {max(worst):.0f} ms" + (f"; over in minute(s) {over}" if over else "")
    return TargetResult(name, not over, detail)


def _growth_targets(samples: Sequence[Sample], reference_seconds: float) -> list[TargetResult]:
    rss_name = (
        f"each service's RSS at the end ≤ {RSS_GROWTH_LIMIT:g}× its RSS at the reference "
        "(the updater and both APIs)"
    )
    fds_name = (
        f"no growth in file descriptors (the end ≤ {FDS_SLACK} more than the most seen up to "
        "the reference, without a server's accepted connections and its pools' connections to "
        "the stores; PostgreSQL's client connections too)"
    )
    reference = reference_sample(samples, reference_seconds)
    if reference is None or not samples or samples[-1] is reference:
        missing = "no sample after the reference" if reference else "no reference sample"
        return [TargetResult(rss_name, False, missing), TargetResult(fds_name, False, missing)]
    end = samples[-1]
    rss_parts, rss_ok = [], True
    for name, start in sorted(reference.services.items()):
        final = end.services.get(name)
        if final is None or start.rss_bytes <= 0:
            rss_ok = False
            rss_parts.append(f"{name}: gone")
            continue
        ratio = final.rss_bytes / start.rss_bytes
        if name in DATA_STORES:
            rss_parts.append(f"{name} {ratio:.2f}× (a store: not gated)")
            continue
        rss_ok &= ratio <= RSS_GROWTH_LIMIT
        rss_parts.append(f"{name} {ratio:.2f}×")
    fds_parts, fds_ok = [], True
    warm_up = [s for s in samples if s.at <= reference.at + 1e-6]
    for name in sorted(reference.services):
        most = max(s.services[name].fds for s in warm_up if name in s.services)
        final = end.services.get(name)
        if final is None:
            fds_ok = False
            fds_parts.append(f"{name}: gone")
            continue
        fds_ok &= final.fds <= most + FDS_SLACK
        fds_parts.append(f"{name} {final.fds}/{most}")
        if final.connections is not None:
            seen = [s.services[name].connections for s in warm_up if name in s.services]
            most_connections = max(c for c in seen if c is not None)
            fds_ok &= final.connections <= most_connections + FDS_SLACK
            fds_parts.append(f"{name} connections {final.connections}/{most_connections}")
    return [
        TargetResult(rss_name, rss_ok, ", ".join(rss_parts)),
        TargetResult(fds_name, fds_ok, ", ".join(fds_parts)),
    ]


def by_kind(
    requests: Iterable[RequestRecord], lags: Iterable[LagRecord]
) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """Latency per kind of request and lag per kind of command, over the whole load."""
    latencies: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for request in requests:
        latencies.setdefault(request.kind, []).append(request.seconds * 1000)
        errors[request.kind] = errors.get(request.kind, 0) + (request.error is not None)
    lag_values: dict[str, list[float]] = {}
    for lag in lags:
        lag_values.setdefault(lag.kind, []).append(lag.seconds * 1000)

    def summary(values: list[float]) -> dict[str, float | int | None]:
        return {
            "count": len(values),
            "p50_ms": _ms(percentile(values, 0.50)),
            "p99_ms": _ms(percentile(values, 0.99)),
            "max_ms": _ms(max(values)),
        }

    return {
        "requests": {
            kind: {**summary(values), "errors": errors[kind]}
            for kind, values in sorted(latencies.items())
        },
        "lags": {kind: summary(values) for kind, values in sorted(lag_values.items())},
    }

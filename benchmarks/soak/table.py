"""The soak's printed output: the table per minute and the targets with ✓/✗ (Markdown)."""

import math
from collections.abc import Sequence

from benchmarks.soak.stats import Minute, TargetResult

# Short column names of the services, in the order of the stack.
SHORT_NAMES = {
    "dynamodb": "ddb",
    "postgres": "pg",
    "read-model-updater": "upd",
    "command-api": "cmd",
    "query-api": "qry",
}


def _figure(value: float, digits: int = 0) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"


def _render(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines


def minute_table(figures: Sequence[Minute]) -> str:
    services = [name for name in SHORT_NAMES if any(name in m.rss_bytes for m in figures)]
    header = [
        "min",
        "ops/s",
        "req/s",
        "p50 ms",
        "p99 ms",
        "lag p99 ms",
        "errors",
        *(f"RSS {SHORT_NAMES[n]} MB" for n in services),
        "fds " + "/".join(SHORT_NAMES[n] for n in services),
        "pg conns",
    ]
    rows = [header]
    for m in figures:
        rows.append(
            [
                str(m.minute),
                _figure(m.operations_per_second, 1),
                _figure(m.requests_per_second, 1),
                _figure(m.latency_p50_ms, 1),
                _figure(m.latency_p99_ms, 1),
                _figure(m.lag_p99_ms),
                str(m.errors),
                *(_figure(m.rss_bytes[n] / 2**20) if n in m.rss_bytes else "-" for n in services),
                "/".join(str(m.fds.get(n, "-")) for n in services),
                str(m.connections.get("postgres", "-")),
            ]
        )
    return "\n".join(_render(rows))


def target_lines(results: Sequence[TargetResult]) -> str:
    return "\n".join(
        f"{'✓' if result.passed else '✗'} {result.name}: {result.detail}" for result in results
    )

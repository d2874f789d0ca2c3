"""Scenario 1: `createUserAccount` over HTTP in in-memory mode, 32 concurrent connections, against
a bare aiohttp endpoint that parses the same body and answers a small JSON document. Both run at
once and take turns under the load (rounds), so the machine's drift hits both alike. A third app
takes its turns too, whose create use case does nothing (benchmarks.path_only_in_memory): its
rate, shown, splits a create's cost between the HTTP and GraphQL path and the use case.

The tail is judged by its shape, which does not depend on the machine: p99 and p99.9 against the
same run's p50 (the worst round's p99 and p99.9, the rounds' mean p50), the bare endpoint's own
ratios beside them. With 32 requests always in flight, the mean latency is 32 / throughput
(Little's law), and the event loop takes requests in batches, so even the bare endpoint's p99 is
about twice its p50; what a server adds beyond that is pauses (docs/performance.md)."""

import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load, total_load
from benchmarks.report import Row, at_most, ratio_at_least, ratio_shown, shown
from benchmarks.rounds import alternate
from benchmarks.services import app_process, free_port, spawned, wait_for_http

ID = "1"
TITLE = "createUserAccount, in-memory mode, 32 concurrent"
CONNECTIONS = 32
RATE_FIGURE = "createUserAccount req/s, in-memory, 32 conc."
P50_FIGURE = "createUserAccount p50 latency, in-memory"
P99_FIGURE = "createUserAccount p99 latency, in-memory"
P999_FIGURE = "createUserAccount p99.9 latency, in-memory"
P99_RATIO_FIGURE = "createUserAccount p99 / p50, in-memory"
P999_RATIO_FIGURE = "createUserAccount p99.9 / p50, in-memory"
PATH_RATE_FIGURE = "createUserAccount req/s, the path alone (use case a no-op)"
AGAINST_PATH_FIGURE = "createUserAccount req/s against the path alone"
RATE_TARGET = ratio_at_least(0.25)
P99_RATIO_TARGET = at_most(2.5, "×")
P999_RATIO_TARGET = at_most(5, "×")
EXPECTED = [
    (RATE_FIGURE, RATE_TARGET),
    (P99_RATIO_FIGURE, P99_RATIO_TARGET),
    (P999_RATIO_FIGURE, P999_RATIO_TARGET),
]

CREATE = json.dumps(
    {
        "query": "mutation Create($input: CreateUserAccountInput!) "
        "{ createUserAccount(input: $input) { id version } }",
        "variables": {
            "input": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com"}
        },
    }
)


async def measure_in_rounds(ctx: BenchContext, urls: Sequence[tuple[str, str]]) -> list[LoadResult]:
    """The servers at `urls` (label, URL) run at once and take turns under the same load, so the
    machine's drift hits them alike: each one's rounds taken as one measurement, in order."""
    rounds, seconds = ctx.size((3, 3.0), (4, 5.0))
    for label, url in urls:
        ctx.progress.phase(f"{label}: warming up")
        await http_load(url, [CREATE], connections=CONNECTIONS, seconds=2, max_requests=200_000)

    def load(url: str) -> Callable[[], Awaitable[LoadResult]]:
        return lambda: http_load(
            url, [CREATE], connections=CONNECTIONS, seconds=seconds, max_requests=2_000_000
        )

    measured = await alternate(ctx, rounds, [(label, load(url)) for label, url in urls])
    return [total_load(results) for results in measured]


async def run(ctx: BenchContext) -> list[Row]:
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.bare_server", str(port)]
    apps = [("s1-in-memory", "apps.in_memory"), ("s1-path-only", "benchmarks.path_only_in_memory")]
    ports = [(free_port(), free_port()) for _ in apps]
    async with AsyncExitStack() as stack:
        bare = await stack.enter_async_context(spawned("s1-bare-aiohttp", argv, ctx.log_dir))
        for (name, module), (command_port, query_port) in zip(apps, ports, strict=True):
            env = {"COMMAND_API_PORT": str(command_port), "QUERY_API_PORT": str(query_port)}
            health = f"http://127.0.0.1:{command_port}/api/health"
            await stack.enter_async_context(app_process(name, module, ctx.log_dir, env, health))
        await wait_for_http(f"http://127.0.0.1:{port}/api/health", bare)
        baseline, figure, path_only = await measure_in_rounds(
            ctx,
            [
                ("bare aiohttp", f"http://127.0.0.1:{port}/api/graphql"),
                ("in-memory Command API", f"http://127.0.0.1:{ports[0][0]}/api/graphql"),
                ("the same, use case a no-op", f"http://127.0.0.1:{ports[1][0]}/api/graphql"),
            ],
        )

    for label, result in (("createUserAccount", figure), ("path-only create", path_only)):
        if result.failed:
            raise RuntimeError(f"{result.failed} of {result.requests} {label} requests failed")
    return [
        Row(
            ID,
            RATE_FIGURE,
            figure.rate,
            "req/s",
            RATE_TARGET,
            baseline=baseline.rate,
            baseline_label="bare aiohttp",
            client=figure.client,
            details={"figure": figure.as_details(), "baseline": baseline.as_details()},
        ),
        *latency_rows(figure, baseline),
        *path_rows(figure, baseline, path_only),
    ]


def path_rows(figure: LoadResult, baseline: LoadResult, path_only: LoadResult) -> list[Row]:
    """The path alone against the bare endpoint, and the create against the path alone (both
    shown): how much of the rate target the HTTP and GraphQL path leaves to the use case."""
    return [
        Row(
            ID,
            name,
            ours.rate,
            "req/s",
            ratio_shown(),
            baseline=theirs.rate,
            baseline_label=label,
            client=ours.client,
            details={"figure": ours.as_details()},
        )
        for name, ours, theirs, label in (
            (PATH_RATE_FIGURE, path_only, baseline, "bare aiohttp"),
            (AGAINST_PATH_FIGURE, figure, path_only, "use case a no-op"),
        )
    ]


def latency_rows(figure: LoadResult, baseline: LoadResult) -> list[Row]:
    """p50, p99 and p99.9 of both (shown), then the two ratios to the p50 (judged), each with
    the bare endpoint's own beside it."""
    bare = "bare aiohttp"
    rows = [
        Row(ID, name, ours, "ms", shown(), baseline=theirs, baseline_label=bare)
        for name, ours, theirs in (
            (P50_FIGURE, figure.p50_ms, baseline.p50_ms),
            (P99_FIGURE, figure.p99_ms, baseline.p99_ms),
            (P999_FIGURE, figure.p999_ms, baseline.p999_ms),
        )
    ]
    for name, target, ours, theirs in (
        (P99_RATIO_FIGURE, P99_RATIO_TARGET, figure.p99_ms, baseline.p99_ms),
        (P999_RATIO_FIGURE, P999_RATIO_TARGET, figure.p999_ms, baseline.p999_ms),
    ):
        rows.append(
            Row(
                ID,
                name,
                ours / figure.p50_ms,
                "×",
                target,
                baseline=theirs / baseline.p50_ms,
                baseline_label=bare,
                client=figure.client,
                details={
                    "p50_ms": figure.p50_ms,
                    "tail_ms": ours,
                    "max_ms": figure.max_ms,
                    "baseline_p50_ms": baseline.p50_ms,
                    "baseline_tail_ms": theirs,
                    "mean_ms_by_littles_law": (
                        CONNECTIONS / figure.rate * 1000 if figure.rate else None
                    ),
                },
            )
        )
    return rows

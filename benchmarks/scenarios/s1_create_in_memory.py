"""Scenario 1: `createUserAccount` over HTTP in in-memory mode, 32 concurrent connections, against
a bare aiohttp endpoint that parses the same body and answers a small JSON document. Both run at
once and take turns under the load (rounds), so the machine's drift hits both alike. The p99 row
shows the bare endpoint's own p99 beside ours: with 32 requests always in flight, the mean latency
is 32 / throughput (Little's law), so the bare endpoint's p99 is the floor on this machine."""

import json
import sys
from collections.abc import Awaitable, Callable

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load, total_load
from benchmarks.report import Row, at_most, ratio_at_least
from benchmarks.rounds import alternate
from benchmarks.services import app_process, free_port, spawned, wait_for_http

ID = "1"
TITLE = "createUserAccount, in-memory mode, 32 concurrent"
CONNECTIONS = 32
RATE_FIGURE = "createUserAccount req/s, in-memory, 32 conc."
P99_FIGURE = "createUserAccount p99 latency, in-memory"
EXPECTED = [(RATE_FIGURE, ratio_at_least(0.25)), (P99_FIGURE, at_most(10, "ms"))]

CREATE = json.dumps(
    {
        "query": "mutation Create($input: CreateUserAccountInput!) "
        "{ createUserAccount(input: $input) { id version } }",
        "variables": {
            "input": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com"}
        },
    }
)


async def measure_in_rounds(
    ctx: BenchContext, bare_url: str, app_url: str
) -> tuple[LoadResult, LoadResult]:
    """Both servers run at once and take turns under the same load, so the machine's drift hits
    both alike: (baseline, figure), each its rounds taken as one measurement."""
    rounds, seconds = ctx.size((3, 3.0), (4, 5.0))
    for label, url in (("bare aiohttp", bare_url), ("in-memory Command API", app_url)):
        ctx.progress.phase(f"{label}: warming up")
        await http_load(url, [CREATE], connections=CONNECTIONS, seconds=2, max_requests=200_000)

    def load(url: str) -> Callable[[], Awaitable[LoadResult]]:
        return lambda: http_load(
            url, [CREATE], connections=CONNECTIONS, seconds=seconds, max_requests=2_000_000
        )

    baseline, figure = await alternate(
        ctx, rounds, [("bare aiohttp", load(bare_url)), ("in-memory Command API", load(app_url))]
    )
    return total_load(baseline), total_load(figure)


async def run(ctx: BenchContext) -> list[Row]:
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.bare_server", str(port)]
    command_port, query_port = free_port(), free_port()
    env = {"COMMAND_API_PORT": str(command_port), "QUERY_API_PORT": str(query_port)}
    health = f"http://127.0.0.1:{command_port}/api/health"
    async with (
        spawned("s1-bare-aiohttp", argv, ctx.log_dir) as bare,
        app_process("s1-in-memory", "apps.in_memory", ctx.log_dir, env, health),
    ):
        await wait_for_http(f"http://127.0.0.1:{port}/api/health", bare)
        baseline, figure = await measure_in_rounds(
            ctx,
            f"http://127.0.0.1:{port}/api/graphql",
            f"http://127.0.0.1:{command_port}/api/graphql",
        )

    if figure.failed:
        raise RuntimeError(
            f"{figure.failed} of {figure.requests} createUserAccount requests failed"
        )
    return [
        Row(
            ID,
            RATE_FIGURE,
            figure.rate,
            "req/s",
            ratio_at_least(0.25),
            baseline=baseline.rate,
            baseline_label="bare aiohttp",
            client=figure.client,
            details={"figure": figure.as_details(), "baseline": baseline.as_details()},
        ),
        Row(
            ID,
            P99_FIGURE,
            figure.p99_ms,
            "ms",
            at_most(10, "ms"),
            # Not part of the verdict: the bare endpoint's own p99 under the same load, the floor
            # any server on this machine starts from (with 32 requests always in flight, the mean
            # latency is 32 / throughput).
            baseline=baseline.p99_ms,
            baseline_label="bare aiohttp p99",
            client=figure.client,
            details={
                "p50_ms": figure.p50_ms,
                "max_ms": figure.max_ms,
                "mean_ms_by_littles_law": CONNECTIONS / figure.rate * 1000 if figure.rate else None,
                "baseline_p99_ms": baseline.p99_ms,
            },
        ),
    ]

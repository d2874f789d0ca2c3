"""Scenario 1: `createUserAccount` over HTTP in in-memory mode, 32 concurrent connections, against
a bare aiohttp endpoint that parses the same body and answers a small JSON document."""

import json
import sys

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load
from benchmarks.report import Row, at_most, ratio_at_least
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


async def measure(ctx: BenchContext, label: str, url: str) -> LoadResult:
    seconds = ctx.size(8.0, 20.0)
    ctx.progress.phase(f"{label}: warming up")
    await http_load(url, [CREATE], connections=CONNECTIONS, seconds=2, max_requests=200_000)
    ctx.progress.phase(f"{label}: measuring for {seconds:.0f} s")
    result = await http_load(
        url, [CREATE], connections=CONNECTIONS, seconds=seconds, max_requests=2_000_000
    )
    ctx.progress.phase(
        f"{label}: {result.rate:,.0f} req/s, p99 {result.p99_ms:.1f} ms, {result.failed} failed"
    )
    return result


async def run(ctx: BenchContext) -> list[Row]:
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.bare_server", str(port)]
    async with spawned("s1-bare-aiohttp", argv, ctx.log_dir) as bare:
        await wait_for_http(f"http://127.0.0.1:{port}/api/health", bare)
        baseline = await measure(ctx, "bare aiohttp", f"http://127.0.0.1:{port}/api/graphql")

    command_port, query_port = free_port(), free_port()
    env = {"COMMAND_API_PORT": str(command_port), "QUERY_API_PORT": str(query_port)}
    health = f"http://127.0.0.1:{command_port}/api/health"
    async with app_process("s1-in-memory", "apps.in_memory", ctx.log_dir, env, health):
        figure = await measure(
            ctx, "in-memory Command API", f"http://127.0.0.1:{command_port}/api/graphql"
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

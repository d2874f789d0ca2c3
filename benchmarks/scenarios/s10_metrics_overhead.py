"""Scenario 10: what the metrics cost. `createUserAccount` over HTTP in in-memory mode with
METRICS_ENABLED on against the same app with it off, both running at once and taking turns
(rounds, more and shorter than scenario 9's); 32 connections."""

from collections.abc import Awaitable, Callable

import aiohttp

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load, total_load
from benchmarks.report import Row, ratio_at_least
from benchmarks.rounds import alternate
from benchmarks.scenarios.s1_create_in_memory import CREATE
from benchmarks.services import app_process, free_port

ID = "10"
TITLE = "createUserAccount in-memory, metrics on against off, 32 concurrent"
CONNECTIONS = 32
FIGURE = "createUserAccount req/s in-memory, metrics on vs off"
TARGET = ratio_at_least(0.95)
EXPECTED = [(FIGURE, TARGET)]


def app_env(command_port: int, metrics_enabled: bool) -> dict[str, str]:
    return {
        "COMMAND_API_PORT": str(command_port),
        "QUERY_API_PORT": str(free_port()),
        "METRICS_ENABLED": "1" if metrics_enabled else "0",
    }


async def commands_counted(base_url: str) -> float | None:
    """The creates the app's /metrics counted; None when it serves none (metrics off)."""
    async with aiohttp.ClientSession() as session, session.get(f"{base_url}/metrics") as answer:
        if answer.status != 200:
            return None
        for line in (await answer.text()).splitlines():
            if line.startswith('commands_total{command="create_user_account",outcome="ok"}'):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


async def measure_in_rounds(
    ctx: BenchContext, off_url: str, on_url: str
) -> tuple[list[LoadResult], list[LoadResult]]:
    """(off, on): the same requests to both apps in alternating rounds, each round's result.

    More and shorter rounds than scenario 9's: what is measured is small beside what another
    process on the machine does to one round, and more rounds spread that over both sides."""
    rounds, seconds = ctx.size((5, 2.0), (8, 3.0))

    def load(url: str, load_seconds: float, budget: int) -> Callable[[], Awaitable[LoadResult]]:
        return lambda: http_load(
            url, [CREATE], connections=CONNECTIONS, seconds=load_seconds, max_requests=budget
        )

    for label, url in (("metrics off", off_url), ("metrics on", on_url)):
        ctx.progress.phase(f"{label}: warming up")
        await load(url, 2, 200_000)()
    baseline, figure = await alternate(
        ctx,
        rounds,
        [
            ("metrics off", load(off_url, seconds, 2_000_000)),
            ("metrics on", load(on_url, seconds, 2_000_000)),
        ],
    )
    return baseline, figure


async def run(ctx: BenchContext) -> list[Row]:
    off_port, on_port = free_port(), free_port()
    off_base, on_base = f"http://127.0.0.1:{off_port}", f"http://127.0.0.1:{on_port}"
    module = "apps.in_memory"
    async with (
        app_process(
            "s10-metrics-off",
            module,
            ctx.log_dir,
            app_env(off_port, metrics_enabled=False),
            f"{off_base}/api/health",
        ),
        app_process(
            "s10-metrics-on",
            module,
            ctx.log_dir,
            app_env(on_port, metrics_enabled=True),
            f"{on_base}/api/health",
        ),
    ):
        off_rounds, on_rounds = await measure_in_rounds(
            ctx, f"{off_base}/api/graphql", f"{on_base}/api/graphql"
        )
        counted = await commands_counted(on_base)
        if await commands_counted(off_base) is not None:
            raise RuntimeError("the app with METRICS_ENABLED=0 serves /metrics")

    baseline, figure = total_load(off_rounds), total_load(on_rounds)
    for label, measured in (("metrics off", baseline), ("metrics on", figure)):
        if measured.failed:
            raise RuntimeError(
                f"{measured.failed} of {measured.requests} createUserAccount requests failed"
                f" ({label})"
            )
    return [
        Row(
            ID,
            FIGURE,
            figure.rate,
            "req/s",
            TARGET,
            baseline=baseline.rate,
            baseline_label="metrics off",
            client=figure.client,
            details={
                "figure": figure.as_details(),
                "baseline": baseline.as_details(),
                "figure_rounds": [round(result.rate, 1) for result in on_rounds],
                "baseline_rounds": [round(result.rate, 1) for result in off_rounds],
                # Every create answered by the measured app, warm-up included, was counted.
                "creates_counted": counted,
            },
        )
    ]

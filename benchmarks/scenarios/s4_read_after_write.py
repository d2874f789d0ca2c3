"""Scenario 4: read-after-write lag. The whole stack runs as processes (a fresh moto with its
tables, a fresh database, the read-model updater, the Command API, the Query API). Accounts are
created one after another; after each response the Query API is asked for the account every few
milliseconds until it shows the created version: that wait is the lag."""

import asyncio
import math
import time
from contextlib import AsyncExitStack
from typing import Any

import aiohttp

from benchmarks.context import BenchContext
from benchmarks.report import Row, at_most
from benchmarks.services import app_process, free_port, moto_server, run_module

ID = "4"
TITLE = "read-after-write lag, sequential creates, whole stack"
P50_FIGURE = "read-after-write lag p50"
P99_FIGURE = "read-after-write lag p99"
P50_TARGET = at_most(100, "ms")
P99_TARGET = at_most(300, "ms")
EXPECTED = [(P50_FIGURE, P50_TARGET), (P99_FIGURE, P99_TARGET)]
POLL_SECONDS = 0.005  # between two reads of the Query API (each costs it CPU too)
WARM_UP = 10  # creates before the measured ones (the updater's first reads, connections)
GIVE_UP_SECONDS = 30.0  # for one account to show up

CREATE = (
    "mutation Create($input: CreateUserAccountInput!) "
    "{ createUserAccount(input: $input) { id version } }"
)
GET = "query Get($id: String!) { getUserAccount(userAccountId: $id) { id version } }"


async def _graphql(
    session: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    async with session.post(url, json={"query": query, "variables": variables}) as response:
        body: dict[str, Any] = await response.json()
        return body


async def _create(session: aiohttp.ClientSession, url: str, number: int) -> tuple[str, int]:
    body = await _graphql(
        session,
        url,
        CREATE,
        {
            "input": {
                "firstName": "Ada",
                "lastName": f"Lovelace{number}",
                "emailAddress": f"ada{number}@example.com",
            }
        },
    )
    created = (body.get("data") or {}).get("createUserAccount")
    if not created:
        raise RuntimeError(f"createUserAccount failed: {body}")
    return created["id"], int(created["version"])


async def _lag(session: aiohttp.ClientSession, url: str, account_id: str, version: int) -> float:
    """Seconds from now until the Query API shows `account_id` at `version` or later."""
    started = time.perf_counter()
    while True:
        body = await _graphql(session, url, GET, {"id": account_id})
        account = (body.get("data") or {}).get("getUserAccount")
        if account and int(account["version"]) >= version:
            return time.perf_counter() - started
        if time.perf_counter() - started > GIVE_UP_SECONDS:
            raise RuntimeError(f"{account_id} v{version} not readable after {GIVE_UP_SECONDS} s")
        await asyncio.sleep(POLL_SECONDS)


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def run(ctx: BenchContext) -> list[Row]:
    creates = ctx.size(200, 500)
    database_url = await ctx.database("s4")
    async with AsyncExitStack() as stack:
        endpoint = await stack.enter_async_context(moto_server(ctx.log_dir, "s4-moto"))
        command_port, query_port = free_port(), free_port()
        env = {
            "DYNAMODB_ENDPOINT_URL": endpoint,
            "DATABASE_URL": database_url,
            "COMMAND_API_PORT": str(command_port),
            "QUERY_API_PORT": str(query_port),
            "UPDATER_HTTP_PORT": str(free_port()),
        }
        await run_module("apps.admin", ["create-tables"], env)
        ctx.progress.phase("starting the read-model updater, the Command API and the Query API")
        command, query = f"http://127.0.0.1:{command_port}", f"http://127.0.0.1:{query_port}"
        await stack.enter_async_context(
            app_process("s4-updater", "apps.read_model_updater", ctx.log_dir, env, None)
        )
        await stack.enter_async_context(
            app_process(
                "s4-command-api", "apps.command_api", ctx.log_dir, env, f"{command}/api/health"
            )
        )
        await stack.enter_async_context(
            app_process("s4-query-api", "apps.query_api", ctx.log_dir, env, f"{query}/api/health")
        )
        session = await stack.enter_async_context(aiohttp.ClientSession())
        command_url, query_url = f"{command}/api/graphql", f"{query}/api/graphql"
        ctx.progress.phase(f"warming up: {WARM_UP} creates")
        for number in range(WARM_UP):
            await _lag(session, query_url, *await _create(session, command_url, number))
        ctx.progress.phase(f"{creates} sequential creates, each read back until it shows")
        lags: list[float] = []
        for number in range(creates):
            account_id, version = await _create(session, command_url, WARM_UP + number)
            lags.append(await _lag(session, query_url, account_id, version))
            if (number + 1) % 20 == 0 or number + 1 == creates:
                ctx.progress.count("creates read back", number + 1, creates)
    lags_ms = sorted(lag * 1000 for lag in lags)
    p50, p99 = _percentile(lags_ms, 0.50), _percentile(lags_ms, 0.99)
    ctx.progress.phase(f"lag p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {lags_ms[-1]:.0f} ms")
    details = {
        "creates": creates,
        "poll_ms": POLL_SECONDS * 1000,
        "min_ms": round(lags_ms[0], 1),
        "mean_ms": round(sum(lags_ms) / len(lags_ms), 1),
        "max_ms": round(lags_ms[-1], 1),
        "measured": "from the createUserAccount response to the first getUserAccount answer "
        "showing that version (the Query API is read every few ms)",
    }
    return [
        Row(ID, P50_FIGURE, p50, "ms", P50_TARGET, details=details),
        Row(ID, P99_FIGURE, p99, "ms", P99_TARGET, details=details),
    ]

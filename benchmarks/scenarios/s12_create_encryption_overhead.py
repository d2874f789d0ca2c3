"""Scenario 12: what encrypting personal data costs a create. `createUserAccount` over HTTP in
in-memory mode (a data key made per account, three fields sealed with AES-256-GCM) against the
same app with personal data in clear (`benchmarks.clear_in_memory`: benchmark-only stand-ins for
the cipher and the keys, not a setting), both running at once and taking turns in rounds, as
scenario 10 does; 32 connections.

The figure is creates per CPU second of each app's process (read from /proc around every round),
as scenario 8 counts: a closed-loop load keeps each app busy while it runs, so what differs is
the CPU each create costs, whereas a round's rate also says how much of the machine the other
processes left it. The rates are in the row's details. Before the rounds each app creates an
account and reads it back from its Query API, so both are seen serving the same answers."""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load, total_load
from benchmarks.report import Row, ratio_at_least
from benchmarks.rounds import alternate
from benchmarks.scenarios.s1_create_in_memory import CREATE
from benchmarks.services import RunningProcess, app_process, cpu_seconds, free_port

ID = "12"
TITLE = "createUserAccount in-memory, personal data encrypted against in clear, 32 concurrent"
CONNECTIONS = 32
FIGURE = "createUserAccount per CPU second, in-memory, encrypted vs clear"
TARGET = ratio_at_least(0.9)
EXPECTED = [(FIGURE, TARGET)]

GET = (
    "query Get($id: String!) "
    "{ getUserAccount(userAccountId: $id) { id version firstName lastName emailAddress } }"
)


@dataclass(frozen=True, slots=True)
class Round:
    load: LoadResult
    cpu_seconds: float  # of the app's process during the load

    @property
    def rate(self) -> float:
        """Creates per CPU second of the app."""
        answered = self.load.requests - self.load.failed
        return answered / self.cpu_seconds if self.cpu_seconds > 0 else 0.0


def per_cpu_second(rounds: list[Round]) -> float:
    answered = sum(r.load.requests - r.load.failed for r in rounds)
    spent = sum(r.cpu_seconds for r in rounds)
    return answered / spent if spent > 0 else 0.0


async def created_and_read(command_url: str, query_url: str) -> dict[str, object]:
    """One create through the Command API, then the account as the Query API shows it."""
    async with aiohttp.ClientSession() as session:
        async with session.post(command_url, json=json.loads(CREATE)) as answer:
            created = await answer.json()
        if not created.get("data"):
            raise RuntimeError(f"createUserAccount failed: {created}")
        account_id = created["data"]["createUserAccount"]["id"]
        async with session.post(
            query_url, json={"query": GET, "variables": {"id": account_id}}
        ) as answer:
            read = await answer.json()
    account: dict[str, object] | None = (read.get("data") or {}).get("getUserAccount")
    if account is None:
        raise RuntimeError(f"getUserAccount {account_id} failed: {read}")
    return {name: value for name, value in account.items() if name != "id"}


def measured(
    url: str, app: RunningProcess, seconds: float, budget: int
) -> Callable[[], Awaitable[Round]]:
    async def measure() -> Round:
        before = cpu_seconds(app.process.pid)
        load = await http_load(
            url, [CREATE], connections=CONNECTIONS, seconds=seconds, max_requests=budget
        )
        return Round(load, cpu_seconds(app.process.pid) - before)

    return measure


async def measure_in_rounds(
    ctx: BenchContext, clear: tuple[str, RunningProcess], sealed: tuple[str, RunningProcess]
) -> tuple[list[Round], list[Round]]:
    """(clear, encrypted): the same requests to both apps in alternating rounds."""
    rounds, seconds = ctx.size((12, 1.0), (20, 1.5))
    for label, (url, app) in (("in clear", clear), ("encrypted", sealed)):
        ctx.progress.phase(f"{label}: warming up")
        await measured(url, app, 2, 200_000)()
    baseline, figure = await alternate(
        ctx,
        rounds,
        [
            ("in clear", measured(*clear, seconds, 2_000_000)),
            ("encrypted", measured(*sealed, seconds, 2_000_000)),
        ],
    )
    return baseline, figure


async def run(ctx: BenchContext) -> list[Row]:
    ports = {side: (free_port(), free_port()) for side in ("clear", "sealed")}
    urls = {
        side: (
            f"http://127.0.0.1:{command}/api/graphql",
            f"http://127.0.0.1:{query}/api/graphql",
        )
        for side, (command, query) in ports.items()
    }

    def env(side: str) -> dict[str, str]:
        command, query = ports[side]
        return {"COMMAND_API_PORT": str(command), "QUERY_API_PORT": str(query)}

    def health(side: str) -> str:
        return f"http://127.0.0.1:{ports[side][0]}/api/health"

    async with (
        app_process(
            "s12-clear", "benchmarks.clear_in_memory", ctx.log_dir, env("clear"), health("clear")
        ) as clear_app,
        app_process(
            "s12-encrypted", "apps.in_memory", ctx.log_dir, env("sealed"), health("sealed")
        ) as sealed_app,
    ):
        answers = [await created_and_read(*urls[side]) for side in ("clear", "sealed")]
        if answers[0] != answers[1]:
            raise RuntimeError(f"the two apps answer differently: {answers[0]} / {answers[1]}")
        clear_rounds, sealed_rounds = await measure_in_rounds(
            ctx, (urls["clear"][0], clear_app), (urls["sealed"][0], sealed_app)
        )

    baseline = total_load([r.load for r in clear_rounds])
    figure = total_load([r.load for r in sealed_rounds])
    for label, load in (("in clear", baseline), ("encrypted", figure)):
        if load.failed:
            raise RuntimeError(
                f"{load.failed} of {load.requests} createUserAccount requests failed ({label})"
            )
    return [
        Row(
            ID,
            FIGURE,
            per_cpu_second(sealed_rounds),
            "creates/s",
            TARGET,
            baseline=per_cpu_second(clear_rounds),
            baseline_label="personal data in clear",
            client=figure.client,
            details={
                "figure": figure.as_details(),
                "baseline": baseline.as_details(),
                "req_per_s": {"encrypted": round(figure.rate, 1), "clear": round(baseline.rate, 1)},
                "figure_rounds": [round(r.rate, 1) for r in sealed_rounds],
                "baseline_rounds": [round(r.rate, 1) for r in clear_rounds],
                "figure_rounds_req_per_s": [round(r.load.rate, 1) for r in sealed_rounds],
                "baseline_rounds_req_per_s": [round(r.load.rate, 1) for r in clear_rounds],
            },
        )
    ]

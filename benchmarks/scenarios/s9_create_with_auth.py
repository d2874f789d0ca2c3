"""Scenario 9: what bearer tokens cost. `createUserAccount` over HTTP in in-memory mode with
AUTH_MODE=jwt against the same app with AUTH_MODE=off, both running at once and taking turns
(rounds); 32 connections, each request with one of 32 tokens of a local issuer made for the run."""

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load, total_load
from benchmarks.report import Row, ratio_at_least
from benchmarks.rounds import alternate
from benchmarks.scenarios.s1_create_in_memory import CREATE
from benchmarks.services import app_process, free_port
from devstack.local_issuer import DEFAULT_AUDIENCE, ISSUER, ensure_keys, mint_token

ID = "9"
TITLE = "createUserAccount in-memory, AUTH_MODE=jwt against off, 32 concurrent"
CONNECTIONS = 32
FIGURE = "createUserAccount req/s in-memory, jwt vs off"
TARGET = ratio_at_least(0.9)
EXPECTED = [(FIGURE, TARGET)]
# Valid for the whole run, whatever its length.
TOKEN_SECONDS = 4 * 3600


def app_env(command_port: int, auth: dict[str, str]) -> dict[str, str]:
    off = {"AUTH_MODE": "off", "AUTH_ISSUER": "", "AUTH_AUDIENCE": "", "AUTH_JWKS_URL": ""}
    return {
        "COMMAND_API_PORT": str(command_port),
        "QUERY_API_PORT": str(free_port()),
        "AUTH_JWKS_FILE": "",
        **off,
        **auth,
    }


async def refuses_a_request_without_a_token(url: str) -> bool:
    """Whether the app answers 401 without a token: jwt mode measured, or off twice."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=CREATE, headers={"Content-Type": "application/json"}) as answer,
    ):
        return answer.status == 401


async def measure_in_rounds(
    ctx: BenchContext, off_url: str, jwt_url: str, tokens: list[str]
) -> tuple[LoadResult, LoadResult]:
    """(off, jwt): the same requests, tokens included, to both apps in alternating rounds."""
    rounds, seconds = ctx.size((3, 3.0), (4, 5.0))

    def load(url: str, load_seconds: float, budget: int) -> Callable[[], Awaitable[LoadResult]]:
        return lambda: http_load(
            url,
            [CREATE],
            connections=CONNECTIONS,
            seconds=load_seconds,
            max_requests=budget,
            tokens=tokens,
        )

    for label, url in (("AUTH_MODE=off", off_url), ("AUTH_MODE=jwt", jwt_url)):
        ctx.progress.phase(f"{label}: warming up")
        await load(url, 2, 200_000)()
    baseline, figure = await alternate(
        ctx,
        rounds,
        [
            ("AUTH_MODE=off", load(off_url, seconds, 2_000_000)),
            ("AUTH_MODE=jwt", load(jwt_url, seconds, 2_000_000)),
        ],
    )
    return total_load(baseline), total_load(figure)


async def run(ctx: BenchContext) -> list[Row]:
    keys = await asyncio.to_thread(ensure_keys, ctx.work_dir / "s9-auth")
    tokens = [
        mint_token(keys, subject=f"bench-{n}", expires_in=TOKEN_SECONDS) for n in range(CONNECTIONS)
    ]
    jwt_auth = {
        "AUTH_MODE": "jwt",
        "AUTH_ISSUER": ISSUER,
        "AUTH_AUDIENCE": DEFAULT_AUDIENCE,
        "AUTH_JWKS_FILE": str(keys.jwks_path),
    }
    off_port, jwt_port = free_port(), free_port()
    off_url = f"http://127.0.0.1:{off_port}/api/graphql"
    jwt_url = f"http://127.0.0.1:{jwt_port}/api/graphql"
    module = "apps.in_memory"
    async with (
        app_process(
            "s9-in-memory-off",
            module,
            ctx.log_dir,
            app_env(off_port, {}),
            f"http://127.0.0.1:{off_port}/api/health",
        ),
        app_process(
            "s9-in-memory-jwt",
            module,
            ctx.log_dir,
            app_env(jwt_port, jwt_auth),
            f"http://127.0.0.1:{jwt_port}/api/health",
        ),
    ):
        enforced = await refuses_a_request_without_a_token(jwt_url)
        if not enforced:
            ctx.progress.phase(
                "note: the AUTH_MODE=jwt app answered a request without a token: tokens are not"
                " checked yet, so this row compares off with off"
            )
        baseline, figure = await measure_in_rounds(ctx, off_url, jwt_url, tokens)

    for label, measured in (("AUTH_MODE=off", baseline), ("AUTH_MODE=jwt", figure)):
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
            baseline_label="AUTH_MODE=off",
            client=figure.client,
            details={
                "figure": figure.as_details(),
                "baseline": baseline.as_details(),
                "tokens": len(tokens),
                "tokens_checked": enforced,
            },
        )
    ]

"""Scenario 2: `createUserAccount` over HTTP against the Command API on a fresh moto, 16 concurrent
connections (wrk), against raw conditional `PutItem`s of journal-shaped items from 16 aioboto3
tasks on the same moto.

A create is one conditional `PutItem` (the id is a fresh ULID, so nothing is read first): the
ratio says what the GraphQL layer, the use case and the SDK cost on top of moto's own work.
The two loads alternate in rounds (the API idles during the baseline's), so that the drift of
a shared machine falls on both alike.
"""

import json

from benchmarks.context import BenchContext
from benchmarks.dynamodb_journal import (
    command_api,
    create_tables,
    dynamodb_client,
    raw_conditional_puts,
    total_puts,
)
from benchmarks.load import http_load, total_load
from benchmarks.report import Row, ratio_at_least
from benchmarks.rounds import alternate
from benchmarks.services import moto_server

ID = "2"
TITLE = "createUserAccount on moto, 16 concurrent, vs raw conditional PutItem"
CONNECTIONS = 16
FIGURE = "createUserAccount req/s on moto, 16 conc."
TARGET = ratio_at_least(0.7)
EXPECTED = [(FIGURE, TARGET)]

CREATE = json.dumps(
    {
        "query": "mutation Create($input: CreateUserAccountInput!) "
        "{ createUserAccount(input: $input) { id version } }",
        "variables": {
            "input": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com"}
        },
    }
)


async def run(ctx: BenchContext) -> list[Row]:
    rounds, seconds = ctx.size((2, 4.0), (4, 5.0))
    async with (
        moto_server(ctx.log_dir, "s2-moto") as endpoint,
        dynamodb_client(endpoint, CONNECTIONS) as client,
    ):
        ctx.progress.phase("creating the tables (apps.admin create-tables)")
        await create_tables(endpoint)
        async with command_api(ctx, "s2-command-api", endpoint) as url:
            ctx.progress.phase("warming up: raw PutItem, then the Command API")
            await raw_conditional_puts(
                ctx, client, concurrency=CONNECTIONS, seconds=1, label="raw PutItem warm-up"
            )
            await http_load(url, [CREATE], connections=CONNECTIONS, seconds=2, max_requests=20_000)
            puts, loads = await alternate(
                ctx,
                rounds,
                [
                    (
                        f"raw PutItem for {seconds:.0f} s",
                        lambda: raw_conditional_puts(
                            ctx,
                            client,
                            concurrency=CONNECTIONS,
                            seconds=seconds,
                            label="raw PutItem",
                        ),
                    ),
                    (
                        f"createUserAccount for {seconds:.0f} s",
                        lambda: http_load(
                            url,
                            [CREATE],
                            connections=CONNECTIONS,
                            seconds=seconds,
                            max_requests=1_000_000,
                        ),
                    ),
                ],
            )
    baseline, figure = total_puts(puts), total_load(loads)
    if figure.failed or baseline.failed:
        raise RuntimeError(
            f"{figure.failed} of {figure.requests} creates and {baseline.failed} raw puts failed"
        )
    return [
        Row(
            ID,
            FIGURE,
            figure.rate,
            "req/s",
            TARGET,
            baseline=baseline.rate,
            baseline_label="raw conditional PutItem",
            client=figure.client,
            details={"figure": figure.as_details(), "baseline": baseline.as_details()},
        )
    ]

"""Scenario 2: `createUserAccount` over HTTP against the Command API on a fresh moto, 16 concurrent
connections (wrk), against raw conditional `PutItem`s of journal-shaped items from 16 aioboto3
tasks on the same moto.

A create writes two items, one after the other, each a conditional `PutItem`: the account's new
data key (wrapped under the local key file) in the key table, then its created event (personal
data sealed under that key) in the journal; nothing is read first (the id is a fresh ULID). So
moto does twice the work of one raw put per create, and the target (issue 14) is ≥ 0.45×. The two
loads alternate in rounds (the API idles during the baseline's), so that the drift of a shared
machine falls on both alike.
"""

import json

from benchmarks.context import BenchContext
from benchmarks.dynamodb_journal import (
    against_raw_puts,
    command_api,
    create_tables,
    dynamodb_client,
)
from benchmarks.report import Row, ratio_at_least
from benchmarks.services import moto_server

ID = "2"
TITLE = "createUserAccount on moto (key + event), 16 concurrent, vs raw conditional PutItem"
CONNECTIONS = 16
FIGURE = "createUserAccount req/s on moto, key + event, 16 conc."
TARGET = ratio_at_least(0.45)
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
    rounds, seconds = ctx.size((3, 4.0), (4, 5.0))
    async with (
        moto_server(ctx.log_dir, "s2-moto") as endpoint,
        dynamodb_client(endpoint, CONNECTIONS) as client,
    ):
        ctx.progress.phase("creating the tables (apps.admin create-tables)")
        await create_tables(endpoint)
        async with command_api(ctx, "s2-command-api", endpoint) as url:
            baseline, figure, _ = await against_raw_puts(
                ctx,
                client,
                url,
                [CREATE],
                label="createUserAccount",
                connections=CONNECTIONS,
                rounds=rounds,
                seconds=seconds,
                warm_up_seconds=2,
            )
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

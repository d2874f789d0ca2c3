"""Scenario 3: `renameUserAccount` over HTTP against the Command API on moto, 16 concurrent
connections (wrk) renaming random accounts, on a journal of 20,000 events; against raw
conditional `PutItem`s from 16 aioboto3 tasks on the same moto.

How the journal is built, within the time budget: the accounts that are renamed are created
through the Command API itself, which is how a node's aggregate cache is warm in real life (a
node serves the accounts it recently created or changed); the rest of the 20,000 events are
the histories of other accounts (a create and three renames each), written as journal items
made by the project's own serializer with BatchWriteItem: they make moto's table as large as
it would be, without the time of sending them one by one. moto's `Query` scans the whole table
(~0.2 s at 20,000 items), so a node that had to load an account for every command could not
come near the target: this is what the aggregate cache is for.

Each request renames a random account to a name never used before (the load client numbers
every request: `__N__` in the body), so no rename is refused as SAME_NAME: such a refusal would be
confirmed on a freshly loaded state (a Query, a scan of moto's whole table), as a refusal decided on
a cached state must be. Refusals count as failed and are reported. The two loads alternate in
rounds.

A rename seals the four names of its event under the account's data key, which the Command API
created with the account and keeps cached for KEY_CACHE_SECONDS (60): a rename then writes one
item, and an account's key is read back (one GetItem) at most once a minute after that.
"""

import asyncio
import json

import aiohttp

from benchmarks.context import BenchContext
from benchmarks.dynamodb_journal import (
    JOURNAL_TABLE,
    account_history,
    against_raw_puts,
    batch_write,
    command_api,
    create_tables,
    dynamodb_client,
    journal_items,
    new_aggregate_id,
)
from benchmarks.report import Row, ratio_at_least
from benchmarks.services import moto_server

ID = "3"
TITLE = "renameUserAccount on moto, 20,000-event journal, 16 concurrent, vs raw PutItem"
CONNECTIONS = 16
JOURNAL_EVENTS = 20_000
FILLER_RENAMES = 3  # each filler account: created + 3 renames
FIGURE = "renameUserAccount req/s on moto, sealed, 20k events, 16 conc."
TARGET = ratio_at_least(0.5)
EXPECTED = [(FIGURE, TARGET)]

CREATE = (
    "mutation Create($input: CreateUserAccountInput!) "
    "{ createUserAccount(input: $input) { id version } }"
)
RENAME = (
    "mutation Rename($input: RenameUserAccountInput!) "
    "{ renameUserAccount(input: $input) { id version } }"
)


async def create_accounts(ctx: BenchContext, url: str, count: int) -> list[str]:
    """`count` accounts created through the Command API, 16 at a time; their ids."""
    body = {
        "query": CREATE,
        "variables": {
            "input": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com"}
        },
    }
    ids: list[str] = []
    remaining = iter(range(count))

    async def worker(session: aiohttp.ClientSession) -> None:
        for _ in remaining:
            async with session.post(url, json=body) as response:
                answer = await response.json()
            if answer.get("errors"):
                raise RuntimeError(f"createUserAccount failed: {answer['errors']}")
            ids.append(answer["data"]["createUserAccount"]["id"])
            ctx.progress.count("accounts created through the Command API", len(ids), count)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(CONNECTIONS)))
    return ids


def rename_bodies(account_ids: list[str]) -> list[str]:
    """A body per account; the load client makes each request's last name new (`__N__`)."""
    return [
        json.dumps(
            {
                "query": RENAME,
                "variables": {
                    "input": {
                        "userAccountId": account_id,
                        "firstName": "Ada",
                        "lastName": "Lovelace __N__",
                    }
                },
            }
        )
        for account_id in account_ids
    ]


async def write_filler(ctx: BenchContext, client: object, events: int) -> None:
    per_account = FILLER_RENAMES + 1
    items = [
        item
        for _ in range(events // per_account)
        for item in journal_items(account_history(new_aggregate_id(), FILLER_RENAMES))
    ]
    await batch_write(ctx, client, JOURNAL_TABLE, items, "other accounts' events (BatchWriteItem)")


async def run(ctx: BenchContext) -> list[Row]:
    accounts = ctx.size(400, 1_000)
    rounds, seconds = ctx.size((2, 4.0), (4, 5.0))
    async with (
        moto_server(ctx.log_dir, "s3-moto") as endpoint,
        dynamodb_client(endpoint, CONNECTIONS) as client,
    ):
        ctx.progress.phase("creating the tables (apps.admin create-tables)")
        await create_tables(endpoint)
        async with command_api(ctx, "s3-command-api", endpoint) as url:
            account_ids = await create_accounts(ctx, url, accounts)
            await write_filler(ctx, client, JOURNAL_EVENTS - accounts)
            bodies = rename_bodies(account_ids)
            baseline, figure, warm_up = await against_raw_puts(
                ctx,
                client,
                url,
                bodies,
                label="renameUserAccount",
                connections=CONNECTIONS,
                rounds=rounds,
                seconds=seconds,
                warm_up_seconds=1,
            )
    if baseline.failed:
        raise RuntimeError(f"{baseline.failed} raw puts failed")
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
            details={
                "figure": figure.as_details(),
                "baseline": baseline.as_details(),
                "failed_renames": figure.failed,
                "warm_up_failed": warm_up.failed,
                "accounts_renamed": accounts,
                "journal_events": JOURNAL_EVENTS,
            },
        )
    ]

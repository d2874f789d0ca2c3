"""PostgreSQL stopped for 10 s while commands and the updater run: nothing is lost; meanwhile the
Query API says 503 on readiness and answers clean INTERNAL_ERRORs; then it recovers by itself."""

import asyncio
import random
import time
from collections.abc import Sequence
from typing import Any

import asyncpg
import pytest

from devstack.postgres_server import PostgresServer
from domain.user_account import UserAccountEvent
from tests.faults.read_model_sync import dead_letters, wait_read_model_equals_journal
from tests.faults.stack import FaultStack
from tests.support import fault_figures
from tests.support.background import Background
from tests.support.command_load import CommandLoad
from tests.support.journal_check import assert_commands_in_journal
from tests.support.query_client import QueryClient
from tests.support.read_model_rows import replayed_rows

pytestmark = pytest.mark.faults

# The outage lasts this long, and at least until MIN_PROBES probes were answered and a command
# was acknowledged meanwhile (however slow the machine, what is asserted about the outage happened
# during it).
OUTAGE_SECONDS = 10.0
MIN_PROBES = 5
# An answer during the outage comes at once (connection refused), at most within the readiness
# check's own limit: the bound tells such an answer from one that waited for the pool's connect
# timeout (twice as long), not a fast machine from a slow one.
ANSWER_WITHIN_SECONDS = 5.0
# Only stop a test that would hang: the Query API answers within a second of PostgreSQL's start,
# and the outage's conditions are met within seconds of OUTAGE_SECONDS.
RECOVERY_WITHIN_SECONDS = 60.0
OVERRUN_AT_MOST_SECONDS = 60.0


async def test_a_postgres_outage_loses_nothing_and_the_query_api_recovers(
    fault_stack: FaultStack,
    faults_postgres: PostgresServer,
    faults_dynamodb: Any,
    read_model_pool: "asyncpg.Pool[asyncpg.Record]",
    rng: random.Random,
    background: Background,
) -> None:
    command_api, query_api = fault_stack.command_api(), fault_stack.query_api()
    updater = fault_stack.updater()
    await asyncio.gather(*(fault_stack.started(p) for p in (command_api, query_api, updater)))
    queries = QueryClient(fault_stack.session, fault_stack.query_url)
    load = CommandLoad(fault_stack.commands(), rng, concurrency=4)
    sending = background.start(load.run())
    await load.until_acknowledged(50)
    # Recovery is checked by the Query API answering rows again: it must have had some. (Commands
    # got fast enough that 50 can be acknowledged before the updater's first poll.)
    await wait_until_ready_and_answering(queries)

    await asyncio.to_thread(faults_postgres.stop)
    fault_figures.fault_injected()
    outage_ends = time.monotonic() + OUTAGE_SECONDS
    acknowledged_before = load.acknowledged
    probes = 0
    while (
        time.monotonic() < outage_ends
        or probes < MIN_PROBES
        or load.acknowledged == acknowledged_before
    ):
        assert time.monotonic() < outage_ends + OVERRUN_AT_MOST_SECONDS, (
            f"{probes} probes, {load.acknowledged - acknowledged_before} commands acknowledged"
        )
        ready, listed = await asyncio.gather(queries.ready(), queries.list_accounts())
        assert ready.status == 503, ready
        assert ready.body["status"] == "unavailable"
        assert set(ready.body["checks"]) == {"postgres"}
        assert listed.status == 200, listed
        assert listed.error == "INTERNAL_ERROR", listed
        assert max(ready.seconds, listed.seconds) < ANSWER_WITHIN_SECONDS
        probes += 1
        await asyncio.sleep(0.5)
    # The write side does not need PostgreSQL: commands went on being accepted.
    assert load.acknowledged > acknowledged_before
    assert probes >= MIN_PROBES
    await asyncio.to_thread(faults_postgres.start)

    await wait_until_ready_and_answering(queries)
    load.stop()
    outcomes = await sending
    assert all(outcome.acknowledged for outcome in outcomes), {o.error for o in outcomes}
    events = await wait_read_model_equals_journal(
        read_model_pool, faults_dynamodb, fault_stack.tables.journal, updater
    )
    verified = assert_commands_in_journal(events, outcomes)
    assert await dead_letters(read_model_pool) == 0
    await assert_query_api_shows(queries, events)
    assert await updater.terminate() == 0
    fault_figures.commands_verified(verified)


async def wait_until_ready_and_answering(queries: QueryClient) -> None:
    deadline = time.monotonic() + RECOVERY_WITHIN_SECONDS
    while True:
        ready, listed = await asyncio.gather(queries.ready(), queries.list_accounts())
        if ready.status == 200 and listed.error is None:
            assert ready.body["status"] == "ready"
            assert listed.body["data"]["getUserAccounts"], listed
            return
        assert time.monotonic() < deadline, f"no recovery: {ready} {listed}"
        await asyncio.sleep(0.2)


async def assert_query_api_shows(queries: QueryClient, events: Sequence[UserAccountEvent]) -> None:
    """The Query API answers from the recovered read model: a sample of live accounts."""
    rows = [row for row in (await replayed_rows(events)).values() if row.deleted_at is None]
    for row in rows[-20:]:
        answer = await queries.get_account(row.id.value)
        assert answer.error is None, answer
        account = answer.body["data"]["getUserAccount"]
        assert (account["firstName"], account["version"]) == (row.first_name, row.version)

"""50 concurrent renames of one account and 200 concurrent creates over HTTP: every acknowledged
command is in the journal once, gap-free, then in the read model; conflicts leave nothing."""

import asyncio
from typing import Any

import asyncpg
import pytest

from tests.faults.read_model_sync import dead_letters, wait_read_model_equals_journal
from tests.faults.stack import FaultStack
from tests.support import fault_figures
from tests.support.journal_check import assert_commands_in_journal, tag_of

pytestmark = pytest.mark.faults

RENAMES = 50
CREATES = 200
# A clean answer whose command may or may not have been applied: the server cut a request
# that waited past its time limit (possible on a machine loaded by other work).
UNKNOWN_OUTCOME = "REQUEST_TIMEOUT"


async def test_concurrent_renames_and_creates_lose_and_invent_nothing(
    fault_stack: FaultStack, faults_dynamodb: Any, read_model_pool: "asyncpg.Pool[asyncpg.Record]"
) -> None:
    api, updater = fault_stack.command_api(), fault_stack.updater()
    await asyncio.gather(fault_stack.started(api), fault_stack.started(updater))
    commands = fault_stack.commands()
    first = await commands.create("Target")
    assert first.account_id is not None
    assert first.version == 1

    outcomes = await asyncio.gather(
        *(commands.rename(first.account_id, f"Rename{n}") for n in range(RENAMES)),
        *(commands.create(f"Create{n}") for n in range(CREATES)),
    )

    renames, creates = outcomes[:RENAMES], outcomes[RENAMES:]
    assert {o.error for o in creates if not o.acknowledged} <= {UNKNOWN_OUTCOME}
    assert {o.error for o in renames if not o.acknowledged} <= {
        "CONCURRENCY_CONFLICT",
        UNKNOWN_OUTCOME,
    }
    acknowledged = [outcome for outcome in renames if outcome.acknowledged]
    assert acknowledged, "no rename got through"
    events = await wait_read_model_equals_journal(
        read_model_pool, faults_dynamodb, fault_stack.tables.journal, updater
    )
    verified = assert_commands_in_journal(events, [first, *outcomes])

    history = [event for event in events if event.aggregate_id.value == first.account_id]
    unknown = {o.tag for o in renames if o.error == UNKNOWN_OUTCOME}
    applied_unknown = {tag_of(event) for event in history} & unknown
    # The account's history: its creation, each acknowledged rename once, at the version it was
    # acknowledged with (no two renames got one version), and the timed-out ones that landed.
    assert len(history) == 1 + len(acknowledged) + len(applied_unknown)
    assert len({o.version for o in acknowledged}) == len(acknowledged)
    conflicted = {o.tag for o in renames if o.error == "CONCURRENCY_CONFLICT"}
    assert conflicted.isdisjoint(tag_of(event) for event in events)
    assert await dead_letters(read_model_pool) == 0
    assert await updater.terminate() == 0
    fault_figures.commands_verified(verified)

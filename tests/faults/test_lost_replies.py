"""A write that landed but whose reply was lost is sent again by the SDK: the command must still
be acknowledged, and applied once (not refused as SAME_NAME, ALREADY_DELETED or an internal error
because it meets its own event)."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.faults.read_model_sync import wait_read_model_equals_journal
from tests.faults.stack import FaultStack
from tests.support import fault_figures
from tests.support.dynamodb_process import DynamoDbProcess
from tests.support.journal_check import assert_commands_in_journal
from tests.support.reply_dropping_proxy import ReplyDroppingProxy

pytestmark = pytest.mark.faults


@pytest.fixture
async def proxy(faults_moto: DynamoDbProcess) -> AsyncIterator[ReplyDroppingProxy]:
    proxy = ReplyDroppingProxy(faults_moto.port)
    await proxy.start()
    yield proxy
    await proxy.close()


async def test_a_command_whose_reply_was_lost_is_acknowledged_and_applied_once(
    fault_stack: FaultStack,
    proxy: ReplyDroppingProxy,
    faults_dynamodb: Any,
    read_model_pool: "asyncpg.Pool[asyncpg.Record]",
) -> None:
    api = fault_stack.command_api(DYNAMODB_ENDPOINT_URL=proxy.endpoint_url)
    updater = fault_stack.updater()
    await asyncio.gather(fault_stack.started(api), fault_stack.started(updater))
    commands = fault_stack.commands()
    kept = await commands.create("Kept")
    assert kept.account_id is not None

    outcomes = [kept]
    for send in (
        lambda: commands.create("Created"),
        lambda: commands.rename(kept.account_id or "", "Renamed"),
        lambda: commands.delete(kept.account_id or ""),
    ):
        proxy.drop_next()
        outcomes.append(await send())
        fault_figures.fault_injected()

    assert proxy.dropped == 3
    assert [(o.kind, o.version, o.error) for o in outcomes] == [
        ("create", 1, None),
        ("create", 1, None),
        ("rename", 2, None),
        ("delete", 3, None),
    ]
    events = await wait_read_model_equals_journal(
        read_model_pool, faults_dynamodb, fault_stack.tables.journal, updater
    )
    fault_figures.commands_verified(assert_commands_in_journal(events, outcomes))
    assert await updater.terminate() == 0

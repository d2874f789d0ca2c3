"""ShardBatchRunner with the real user-account handler: retries, dead letters, infrastructure
outages, stops, checkpoints."""

import asyncio
from collections.abc import Collection, Mapping

import pytest

from domain.user_account import UserAccountEvent, UserAccountId
from infrastructure.backoff import Backoff
from infrastructure.stream_consumer import (
    BatchResult,
    DeadLetter,
    PollerOptions,
    ProgressLog,
    ShardBatchRunner,
    ShardRef,
)
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.serialization.errors import DeserializationError
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.read_model_rows import replayed_rows
from tests.support.stream_batches import Batch, d_e_f_batch
from use_case.ports import UserAccountEventReader, UserAccountRow
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

SHARD = ShardRef("arn:stream", "shardId-1", "journal")
OPTIONS = PollerOptions(retry=Backoff(0.001, 0.004), max_attempts=3)


class FlakyRows(InMemoryUserAccountReadModel):
    """A read model whose first `outages` loads fail as an unreachable server does."""

    def __init__(self, outages: int) -> None:
        super().__init__()
        self.outages = outages

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        if self.outages:
            self.outages -= 1
            raise ConnectionRefusedError("connection refused")
        return await super().load_rows(ids)


class UnreadableJournal:
    """Every gap reads a corrupt journal item."""

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        raise DeserializationError("corrupt journal item")


def runner(
    read_model: InMemoryUserAccountReadModel,
    journal: UserAccountEventReader,
    store: InMemoryCheckpointStore,
    keys: DataKeys,
) -> ShardBatchRunner:
    handler = UserAccountStreamHandler(ProjectUserAccountEvents(read_model, journal), keys)
    return ShardBatchRunner(handler, store, OPTIONS, ProgressLog())


async def rows_of(
    read_model: InMemoryUserAccountReadModel, batch: Batch
) -> dict[UserAccountId, int]:
    rows = await read_model.load_rows({event.aggregate_id for event in batch.events})
    return {account: row.version for account, row in rows.items()}


async def test_a_clean_batch_is_applied_and_checkpointed_once() -> None:
    batch, _ = await d_e_f_batch()
    read_model, store = InMemoryUserAccountReadModel(), InMemoryCheckpointStore()
    result = await runner(read_model, batch.journal, store, batch.keys)(
        SHARD, batch.records, asyncio.Event()
    )
    assert result == BatchResult(batch.sequence_numbers(4)[0], complete=True)
    assert store.commits == 1
    [checkpoint] = (await store.load(SHARD.stream_arn)).values()
    assert checkpoint.last_sequence_number == batch.sequence_numbers(4)[0]
    assert await read_model.load_rows(
        list(await rows_of(read_model, batch))
    ) == await replayed_rows(batch.events)


async def test_an_undecodable_record_is_parked_after_the_last_attempt_with_those_behind_it() -> (
    None
):
    batch, ids = await d_e_f_batch()
    batch.corrupt(1)  # D2; D3 is held back behind it
    read_model, store = InMemoryUserAccountReadModel(), InMemoryCheckpointStore()
    result = await runner(read_model, batch.journal, store, batch.keys)(
        SHARD, batch.records, asyncio.Event()
    )
    assert result == BatchResult(batch.sequence_numbers(4)[0], complete=True)
    letters = sorted(store.dead_letters.values(), key=lambda letter: letter.sequence_number)
    assert [letter.sequence_number for letter in letters] == batch.sequence_numbers(1, 3)
    corrupt, held_back = letters
    assert corrupt.attempts == OPTIONS.max_attempts
    assert "DeserializationError" in corrupt.error
    assert corrupt.first_failed_at < corrupt.last_failed_at
    assert held_back.attempts == 1
    assert "held back" in held_back.error
    assert {letter.entity_id for letter in letters} == {ids["d"].value}
    assert corrupt.record["dynamodb"]["SequenceNumber"] == corrupt.sequence_number
    assert isinstance(corrupt.record["dynamodb"]["NewImage"]["payload"]["B"], str)  # base64
    assert await rows_of(read_model, batch) == {ids["d"]: 1, ids["e"]: 1, ids["f"]: 1}


async def test_an_outage_is_retried_without_limit_and_parks_nothing() -> None:
    batch, _ = await d_e_f_batch()
    read_model, store = FlakyRows(outages=OPTIONS.max_attempts * 3), InMemoryCheckpointStore()
    result = await runner(read_model, batch.journal, store, batch.keys)(
        SHARD, batch.records, asyncio.Event()
    )
    assert result.complete
    assert read_model.outages == 0
    assert store.dead_letters == {}
    assert await read_model.load_rows(
        list(await rows_of(read_model, batch))
    ) == await replayed_rows(batch.events)


async def test_a_record_of_an_aggregate_with_parked_records_is_parked_at_its_first_failure() -> (
    None
):
    batch, ids = await d_e_f_batch()
    store = InMemoryCheckpointStore()
    earlier = batch.records[0]
    await store.commit(
        SHARD,
        None,
        [
            DeadLetter(
                "1", ids["d"].value, earlier, "corrupt", 5, *(2 * [batch.events[0].occurred_at])
            )
        ],
    )
    read_model = InMemoryUserAccountReadModel()
    # D2 alone: D1 must come from the journal, which cannot be read.
    result = await runner(read_model, UnreadableJournal(), store, batch.keys)(
        SHARD, [batch.records[1], batch.records[2]], asyncio.Event()
    )
    assert result == BatchResult(batch.sequence_numbers(2)[0], complete=True)
    letter = store.dead_letters[(SHARD.stream_arn, SHARD.shard_id, batch.sequence_numbers(1)[0])]
    assert letter.attempts == 1
    assert "already has parked records" in letter.error
    assert await rows_of(read_model, batch) == {ids["e"]: 1}


async def test_a_stop_during_retries_checkpoints_only_what_precedes_the_first_pending_record() -> (
    None
):
    batch, ids = await d_e_f_batch()
    batch.corrupt(1)
    read_model, store = InMemoryUserAccountReadModel(), InMemoryCheckpointStore()
    stop = asyncio.Event()
    stop.set()
    result = await runner(read_model, batch.journal, store, batch.keys)(SHARD, batch.records, stop)
    assert result == BatchResult(batch.sequence_numbers(0)[0], complete=False)
    assert store.dead_letters == {}
    # What was applied stays applied; it comes again after the restart and is skipped then.
    assert await rows_of(read_model, batch) == {ids["d"]: 1, ids["e"]: 1, ids["f"]: 1}


async def test_a_stop_during_an_outage_leaves_the_checkpoint_alone() -> None:
    batch, _ = await d_e_f_batch()
    read_model, store = FlakyRows(outages=1000), InMemoryCheckpointStore()
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, stop.set)
    result = await runner(read_model, batch.journal, store, batch.keys)(SHARD, batch.records, stop)
    assert result == BatchResult(None, complete=False)
    assert store.commits == 0


class FlakyJournal:
    """A journal whose first `outages` reads fail as an unreachable DynamoDB does."""

    def __init__(self, journal: UserAccountEventReader, outages: int) -> None:
        self.journal = journal
        self.outages = outages

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        if self.outages:
            self.outages -= 1
            raise ConnectionError("journal unreachable")
        return await self.journal.read_events(aggregate_id, after_seq_nr, up_to_seq_nr)


async def test_a_journal_outage_while_filling_a_gap_is_not_the_records_fault() -> None:
    batch, ids = await d_e_f_batch()
    journal = FlakyJournal(batch.journal, outages=OPTIONS.max_attempts * 3)
    read_model, store = InMemoryUserAccountReadModel(), InMemoryCheckpointStore()
    # D1 is not in the batch: D2 and D3 need it from the journal.
    result = await runner(read_model, journal, store, batch.keys)(
        SHARD, batch.records[1:], asyncio.Event()
    )
    assert result == BatchResult(batch.sequence_numbers(4)[0], complete=True)
    assert journal.outages == 0
    assert store.dead_letters == {}
    assert await rows_of(read_model, batch) == {ids["d"]: 3, ids["e"]: 1, ids["f"]: 1}

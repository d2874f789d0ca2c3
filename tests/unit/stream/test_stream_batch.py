"""StreamBatchApplier: what is applied, what is reported, and order per aggregate."""

import pytest

from domain.user_account import UserAccountEvent, UserAccountId
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.stream_batch import FailureKind, StreamBatchApplier
from interface_adapter.stream.stream_records import decode_record
from tests.support.read_model_rows import replayed_rows
from tests.support.stream_events import sdk_record
from tests.unit.stream.batches import Batch, d_e_f_batch
from use_case.user_account_projection.errors import JournalGapError
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit


class MissingJournal:
    """A journal that has nothing: every gap is a JournalGapError."""

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        return []


def applier(batch: Batch, read_model: InMemoryUserAccountReadModel) -> StreamBatchApplier:
    return StreamBatchApplier(ProjectUserAccountEvents(read_model, batch.journal))


async def test_a_clean_batch_is_applied_with_no_failure() -> None:
    batch, _ = await d_e_f_batch()
    read_model = InMemoryUserAccountReadModel()
    outcome = await applier(batch, read_model)([decode_record(r) for r in batch.records])
    assert outcome.failures == []
    assert outcome.summary.applied == 5
    ids = {event.aggregate_id for event in batch.events}
    assert await read_model.load_rows(ids) == await replayed_rows(batch.events)


async def test_an_undecodable_record_holds_back_the_later_records_of_its_aggregate() -> None:
    batch, ids = await d_e_f_batch()
    batch.corrupt(1)  # D2
    read_model = InMemoryUserAccountReadModel()
    outcome = await applier(batch, read_model)([decode_record(r) for r in batch.records])
    assert [f.sequence_number for f in outcome.failures] == batch.sequence_numbers(1, 3)
    assert [f.kind for f in outcome.failures] == [FailureKind.UNDECODABLE, FailureKind.HELD_BACK]
    assert [f.record_fault for f in outcome.failures] == [True, False]
    rows = await read_model.load_rows(list(ids.values()))
    assert {account: row.version for account, row in rows.items()} == {
        ids["d"]: 1,
        ids["e"]: 1,
        ids["f"]: 1,
    }


async def test_a_broken_record_naming_no_aggregate_holds_back_every_later_record() -> None:
    batch, ids = await d_e_f_batch()
    batch.corrupt(2)  # E1, which then loses its keys too
    del batch.records[2]["dynamodb"]["Keys"]
    read_model = InMemoryUserAccountReadModel()
    outcome = await applier(batch, read_model)([decode_record(r) for r in batch.records])
    assert [f.sequence_number for f in outcome.failures] == batch.sequence_numbers(2, 3, 4)
    rows = await read_model.load_rows(list(ids.values()))
    assert {account: row.version for account, row in rows.items()} == {ids["d"]: 2}


async def test_every_record_of_an_aggregate_the_projection_failed_is_reported() -> None:
    batch, ids = await d_e_f_batch()
    records = [decode_record(r) for i, r in enumerate(batch.records) if i != 0]  # D1 lost
    read_model = InMemoryUserAccountReadModel()
    outcome = await StreamBatchApplier(ProjectUserAccountEvents(read_model, MissingJournal()))(
        records
    )
    assert [f.sequence_number for f in outcome.failures] == batch.sequence_numbers(1, 3)
    assert {f.kind for f in outcome.failures} == {FailureKind.NOT_APPLIED}
    assert all(f.record_fault and "JournalGapError" in f.error for f in outcome.failures)
    assert isinstance(outcome.summary.failed[ids["d"]], JournalGapError)
    assert set(await read_model.load_rows(list(ids.values()))) == {ids["e"], ids["f"]}


async def test_ignored_records_are_counted_not_reported() -> None:
    batch, _ = await d_e_f_batch()
    removal = sdk_record(batch.records[0]["dynamodb"]["NewImage"], 5000, "REMOVE")
    read_model = InMemoryUserAccountReadModel()
    outcome = await applier(batch, read_model)(
        [decode_record(r) for r in [*batch.records, removal]]
    )
    assert (outcome.ignored, outcome.failures) == (1, [])

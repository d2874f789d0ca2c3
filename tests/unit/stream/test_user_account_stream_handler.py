"""UserAccountStreamHandler: what is applied, what is reported, and order per aggregate."""

import logging
from collections.abc import Sequence

import pytest

from domain.user_account import UserAccountEvent, UserAccountId
from infrastructure.stream_consumer import FailureKind
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.lambda_batch import handle_stream_event
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.read_model_rows import replayed_rows
from tests.support.stream_batches import Batch, d_e_f_batch
from tests.support.stream_events import sdk_record
from use_case.ports import UserAccountEventReader, UserAccountRowStore
from use_case.user_account_projection.errors import JournalGapError
from use_case.user_account_projection.project_events import (
    ProjectionSummary,
    ProjectUserAccountEvents,
)

pytestmark = pytest.mark.unit


class MissingJournal:
    """A journal that has nothing: every gap is a JournalGapError."""

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        return []


class RecordingProjection(ProjectUserAccountEvents):
    """The projection, keeping the summary of each batch it applied."""

    def __init__(self, rows: UserAccountRowStore, journal: UserAccountEventReader) -> None:
        super().__init__(rows, journal)
        self.summaries: list[ProjectionSummary] = []

    async def __call__(self, events: Sequence[UserAccountEvent]) -> ProjectionSummary:
        summary = await super().__call__(events)
        self.summaries.append(summary)
        return summary


def handler(batch: Batch, read_model: InMemoryUserAccountReadModel) -> UserAccountStreamHandler:
    return UserAccountStreamHandler(ProjectUserAccountEvents(read_model, batch.journal), batch.keys)


async def test_a_clean_batch_is_applied_with_no_failure() -> None:
    batch, _ = await d_e_f_batch()
    read_model = InMemoryUserAccountReadModel()
    outcome = await handler(batch, read_model)(batch.records)
    assert outcome.failures == []
    assert outcome.applied == 5
    ids = {event.aggregate_id for event in batch.events}
    assert await read_model.load_rows(ids) == await replayed_rows(batch.events)


async def test_an_undecodable_record_holds_back_the_later_records_of_its_aggregate() -> None:
    batch, ids = await d_e_f_batch()
    batch.corrupt(1)  # D2
    read_model = InMemoryUserAccountReadModel()
    outcome = await handler(batch, read_model)(batch.records)
    assert [f.sequence_number for f in outcome.failures] == batch.sequence_numbers(1, 3)
    assert [f.kind for f in outcome.failures] == [FailureKind.UNDECODABLE, FailureKind.HELD_BACK]
    assert [f.record_fault for f in outcome.failures] == [True, False]
    # Filed under the journal's partition key (the unit of order) and the account id.
    assert {f.partition_key for f in outcome.failures} == {f"UserAccount-{ids['d'].value}"}
    assert {f.entity_id for f in outcome.failures} == {ids["d"].value}
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
    outcome = await handler(batch, read_model)(batch.records)
    assert [f.sequence_number for f in outcome.failures] == batch.sequence_numbers(2, 3, 4)
    broken = outcome.failures[0]
    assert (broken.partition_key, broken.entity_id) == (None, None)
    rows = await read_model.load_rows(list(ids.values()))
    assert {account: row.version for account, row in rows.items()} == {ids["d"]: 2}


async def test_every_record_of_an_aggregate_the_projection_failed_is_reported() -> None:
    batch, ids = await d_e_f_batch()
    records = [r for i, r in enumerate(batch.records) if i != 0]  # D1 lost
    read_model = InMemoryUserAccountReadModel()
    projection = RecordingProjection(read_model, MissingJournal())
    outcome = await UserAccountStreamHandler(projection, batch.keys)(records)
    assert [f.sequence_number for f in outcome.failures] == batch.sequence_numbers(1, 3)
    assert {f.kind for f in outcome.failures} == {FailureKind.NOT_APPLIED}
    assert all(f.record_fault and "JournalGapError" in f.error for f in outcome.failures)
    [summary] = projection.summaries
    assert isinstance(summary.failed[ids["d"]], JournalGapError)
    assert set(await read_model.load_rows(list(ids.values()))) == {ids["e"], ids["f"]}


async def test_ignored_records_are_counted_not_reported() -> None:
    batch, _ = await d_e_f_batch()
    removal = sdk_record(batch.records[0]["dynamodb"]["NewImage"], 5000, "REMOVE")
    read_model = InMemoryUserAccountReadModel()
    outcome = await handler(batch, read_model)([*batch.records, removal])
    assert (outcome.ignored, outcome.failures) == (1, [])


# --- personal data: keys and erased keys ---


async def test_a_batch_decrypts_with_one_key_lookup_per_account() -> None:
    batch, ids = await d_e_f_batch()
    before = dict(batch.keys.finds)
    read_model = InMemoryUserAccountReadModel()
    outcome = await handler(batch, read_model)(batch.records)
    assert outcome.failures == []
    looked_up = {account: batch.keys.finds[account] - before.get(account, 0) for account in before}
    assert looked_up == {account.value: 1 for account in ids.values()}
    assert await read_model.load_rows(list(ids.values())) == await replayed_rows(batch.events)


async def test_records_whose_key_is_gone_become_rows_without_personal_data() -> None:
    batch, ids = await d_e_f_batch()
    d = ids["d"]
    await batch.keys.destroy(d.value)
    read_model = InMemoryUserAccountReadModel()

    outcome = await handler(batch, read_model)(batch.records)

    assert outcome.failures == []
    assert outcome.applied == 5
    rows = await read_model.load_rows([d])
    row = rows[d]
    assert (row.version, row.first_name, row.last_name, row.email_address) == (3, None, None, None)
    assert (row.owner, row.created_at, row.deleted_at, row.erased_at) == (None, None, None, None)
    assert not row.served
    assert await read_model.get(d) is None
    assert await read_model.search("Dai", 10) == []
    assert [r.id for r in await read_model.list_after(10, None)] == [ids["e"], ids["f"]]


async def test_a_projected_row_loses_its_personal_data_at_the_first_erased_record() -> None:
    batch = Batch()
    account = await batch.write.create("Kept", "Before")
    await batch.add(account, 1)
    read_model = InMemoryUserAccountReadModel()
    assert (await handler(batch, read_model)(batch.records)).failures == []
    assert await read_model.get(account) is not None

    await batch.add(account, await batch.write.rename(account, "Gone", "After"))
    await batch.add(account, await batch.write.delete(account))
    await batch.keys.destroy(account.value)
    outcome = await handler(batch, read_model)(batch.records[1:])

    assert outcome.failures == []
    row = (await read_model.load_rows([account]))[account]
    assert (row.version, row.first_name, row.email_address) == (3, None, None)
    assert await read_model.get(account) is None


async def test_failure_logs_name_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    batch, ids = await d_e_f_batch()
    batch.keys.substitute(ids["f"].value, bytes(32))  # F's record no longer opens
    records = batch.records[1:]  # D1 lost: D2 and D3 meet a gap the journal cannot fill
    projection = ProjectUserAccountEvents(InMemoryUserAccountReadModel(), MissingJournal())
    caplog.set_level(logging.DEBUG)

    answer = await handle_stream_event(
        UserAccountStreamHandler(projection, batch.keys), {"Records": records}
    )

    assert len(answer["batchItemFailures"]) == 3  # D2, D3 (not applied), F1 (undecodable)
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "JournalGapError" in logged
    assert "does not decrypt" in logged
    for text in ("Dai", "Kato", "Emi", "Sato", "Fumi", "Ito", "taro", "@example"):
        assert text not in logged

"""The stream handler and an erasure (SPEC §9.4): never held back, the account's failed records
superseded (never reported, so never parked), its data key destroyed once its row is committed."""

from datetime import UTC, datetime

import pytest

from domain.user_account import UserAccountErased, UserAccountId
from interface_adapter.personal_data.erased_keys import DestroyErasedKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.lambda_batch import handle_stream_event
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.stream_batches import Batch, d_e_f_batch
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit


def handler(batch: Batch, read_model: InMemoryUserAccountReadModel) -> UserAccountStreamHandler:
    projection = ProjectUserAccountEvents(
        read_model, batch.journal, after_erasure=DestroyErasedKeys(batch.keys)
    )
    return UserAccountStreamHandler(projection, batch.keys)


async def erase(batch: Batch, account: UserAccountId) -> int:
    """Append the account's Erased to the batch's journal (as the erase command would) and add
    its record; its sequence number."""
    version = len(await batch.journal.events_of(account))
    erased = UserAccountErased(
        f"X{version + 1}", account, version + 1, datetime(2026, 12, 14, tzinfo=UTC)
    )
    await batch.journal.store(version, [erased])
    await batch.add(account, version + 1)
    # The store destroyed the key, as the erase command does; what the tests count from here
    # is what the updater destroys.
    batch.keys.destroyed.clear()
    return version + 1


async def test_an_erasure_behind_an_undecodable_record_applies_and_supersedes_it() -> None:
    batch, ids = await d_e_f_batch()
    d = ids["d"]
    batch.corrupt(1)  # D2: undecodable, which used to hold D3 back
    erased_at = await erase(batch, d)  # D4, index 5
    read_model = InMemoryUserAccountReadModel()

    outcome = await handler(batch, read_model)(batch.records)

    assert outcome.failures == []  # D2 and D3 have nothing left to apply: nothing to park
    rows = await read_model.load_rows(list(ids.values()))
    assert rows[d].erased_at is not None
    assert (rows[d].version, rows[d].first_name, rows[d].owner) == (erased_at, None, None)
    assert rows[ids["e"]].served
    assert rows[ids["f"]].served
    assert await read_model.get(d) is None
    assert batch.keys.destroyed == [d.value]
    assert await batch.keys.find(d.value) is None


async def test_an_erasure_is_not_held_back_by_a_record_naming_no_aggregate() -> None:
    batch, ids = await d_e_f_batch()
    batch.corrupt(2)  # E1, which then loses its keys too: every later record is held back ...
    del batch.records[2]["dynamodb"]["Keys"]
    await erase(batch, ids["d"])
    read_model = InMemoryUserAccountReadModel()

    outcome = await handler(batch, read_model)(batch.records)

    # ... except the erasure, which needs nothing of before.
    assert [f.sequence_number for f in outcome.failures] == batch.sequence_numbers(2, 4)
    rows = await read_model.load_rows([ids["d"]])
    assert rows[ids["d"]].erased_at is not None


async def test_records_of_an_erased_account_delivered_again_change_nothing() -> None:
    batch, ids = await d_e_f_batch()
    d = ids["d"]
    await erase(batch, d)
    read_model = InMemoryUserAccountReadModel()
    assert (await handler(batch, read_model)(batch.records)).failures == []
    erased_row = (await read_model.load_rows([d]))[d]

    # A retried dead letter, or a redelivery: decodable (its key is gone now), or not at all.
    batch.corrupt(1)
    outcome = await handler(batch, read_model)(batch.records[:4])

    assert outcome.failures == []
    # D1 and E1 are duplicates; D2 (undecodable) and D3 (held back behind it) are superseded.
    assert (outcome.applied, outcome.duplicates, outcome.ignored) == (0, 2, 2)
    assert (await read_model.load_rows([d]))[d] == erased_row


async def test_the_lambda_path_reports_nothing_of_an_erased_account() -> None:
    batch, ids = await d_e_f_batch()
    batch.corrupt(0)  # D1
    await erase(batch, ids["d"])
    read_model = InMemoryUserAccountReadModel()

    answer = await handle_stream_event(handler(batch, read_model), {"Records": batch.records})

    assert answer == {"batchItemFailures": []}
    assert batch.keys.destroyed == [ids["d"].value]

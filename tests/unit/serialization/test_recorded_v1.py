"""Items the previous version recorded (V1, personal data in clear) still decode, load and
project; the tests' V1 writer is that version's, byte for byte."""

import pytest

from domain.user_account import NotCreated, UserAccount, replay
from interface_adapter.event_store.account_history import replay_journal
from interface_adapter.event_store.journal_item import from_journal_item
from interface_adapter.event_store.snapshot_item import from_snapshot_item, snapshot_version
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support import recorded_v1
from tests.support.data_keys import WatchedDataKeys
from tests.support.read_model_rows import replayed_rows
from tests.support.stream_events import sdk_record
from tests.support.v1_writer import v1_journal_item, v1_snapshot
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

FINAL = UserAccount(
    id=recorded_v1.ACCOUNT,
    name=recorded_v1.JIRO,
    email_address=recorded_v1.EMAIL,
    created_at=recorded_v1.EVENTS[0].occurred_at,
    updated_at=recorded_v1.EVENTS[3].occurred_at,
    version=4,
    owner=recorded_v1.OWNER,
    deleted=True,
)


def test_the_tests_v1_writer_writes_what_the_previous_version_recorded() -> None:
    assert [v1_journal_item(event) for event in recorded_v1.EVENTS] == recorded_v1.journal_items()
    at_2 = replay(NotCreated(recorded_v1.ACCOUNT), recorded_v1.EVENTS[:2])
    assert isinstance(at_2, UserAccount)
    assert v1_snapshot(at_2) == recorded_v1.SNAPSHOT_AT_2
    assert v1_snapshot(FINAL) == recorded_v1.SNAPSHOT_AT_4


def test_recorded_journal_items_decode_without_a_key() -> None:
    decoded = [from_journal_item(item, None) for item in recorded_v1.journal_items()]
    assert decoded == recorded_v1.EVENTS


def test_recorded_snapshots_decode_without_a_key() -> None:
    at_2 = from_snapshot_item(recorded_v1.snapshot_item(2), None)
    assert at_2 == replay(NotCreated(recorded_v1.ACCOUNT), recorded_v1.EVENTS[:2])
    assert from_snapshot_item(recorded_v1.snapshot_item(4), None) == FINAL


def test_a_recorded_history_loads_from_its_snapshot_or_from_the_start() -> None:
    items = recorded_v1.journal_items()
    snapshot = recorded_v1.snapshot_item(2)
    after = snapshot_version(snapshot)
    from_snapshot = replay_journal(
        from_snapshot_item(snapshot, None),
        (from_journal_item(item, None) for item in items[after:]),
    )
    from_start = replay_journal(
        NotCreated(recorded_v1.ACCOUNT), (from_journal_item(item, None) for item in items)
    )
    assert from_snapshot == from_start == FINAL


async def test_recorded_stream_records_project_without_any_key() -> None:
    keys = WatchedDataKeys()
    read_model = InMemoryUserAccountReadModel()
    handler = UserAccountStreamHandler(ProjectUserAccountEvents(read_model, _NoJournal()), keys)
    records = [sdk_record(item, n) for n, item in enumerate(recorded_v1.journal_items(), 1)]

    outcome = await handler(records)

    assert (outcome.applied, outcome.failures) == (4, [])
    assert keys.finds == {}
    rows = await read_model.load_rows([recorded_v1.ACCOUNT])
    assert rows == await replayed_rows(recorded_v1.EVENTS)
    row = rows[recorded_v1.ACCOUNT]
    assert (row.first_name, row.last_name, row.version) == ("Jiro", "Yamada", 4)


class _NoJournal:
    async def read_events(self, *_: object) -> list[object]:
        raise AssertionError("a complete history has no gap")

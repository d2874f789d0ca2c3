"""Decoding stream records: both shapes, broken records, records that are not INSERTs."""

import base64
import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from infrastructure.stream_consumer import MalformedRecordError, as_lambda_record, record_time
from interface_adapter.event_store.journal_item import to_journal_item
from interface_adapter.stream.journal_records import (
    DecodedRecord,
    IgnoredRecord,
    UndecodableRecord,
    aggregate_id_of,
    decode_record,
    decode_records,
)
from tests.support.data_keys import WatchedDataKeys
from tests.support.stream_events import CORRUPT_PAYLOAD, load_fixture, sdk_record
from tests.support.v1_writer import v1_journal_item
from use_case.ports import ErasedPersonalData

pytestmark = pytest.mark.unit

ACCOUNT = UserAccountId("01HZZZZZZZZZZZZZZZZZZZZZZZ")
KEY = bytes(range(32))
CREATED = UserAccountCreated(
    event_id="01J00000000000000000000000",
    aggregate_id=ACCOUNT,
    seq_nr=1,
    occurred_at=datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC),
    name=UserAccountName("Taro", "Yamada"),
    email_address=EmailAddress("taro@example.com"),
    owner="auth0|taro",
)


def test_an_sdk_record_decodes_to_its_event() -> None:
    record = decode_record(sdk_record(to_journal_item(CREATED, KEY), 42), KEY)
    assert record == DecodedRecord("42", f"UserAccount-{ACCOUNT.value}", CREATED, record.raw)
    assert record.aggregate_id == ACCOUNT.value


def test_a_lambda_record_decodes_to_the_same_event() -> None:
    sdk = sdk_record(to_journal_item(CREATED, KEY), 42)
    lambda_shaped = as_lambda_record(sdk, "arn:stream")
    assert isinstance(lambda_shaped["dynamodb"]["NewImage"]["payload"]["B"], str)
    assert lambda_shaped["eventSourceARN"] == "arn:stream"
    decoded = decode_record(lambda_shaped, KEY)
    assert isinstance(decoded, DecodedRecord)
    assert decoded.event == CREATED


def test_the_committed_fixtures_recorded_as_v1_decode_without_keys() -> None:
    records = [decode_record(r, None) for r in load_fixture("insert_batch.json")["Records"]]
    assert all(isinstance(record, DecodedRecord) for record in records)
    assert len({record.sequence_number for record in records}) == len(records)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda r: r["dynamodb"]["NewImage"].update(payload={"B": CORRUPT_PAYLOAD}),
        lambda r: r["dynamodb"]["NewImage"].pop("payload"),
        lambda r: r["dynamodb"].pop("NewImage"),
        lambda r: r["dynamodb"]["NewImage"].update(skey={"N": "one"}),
        # A Lambda-shaped payload that is not base64.
        lambda r: r["dynamodb"]["NewImage"].update(payload={"B": "*not base64*"}),
    ],
    ids=["corrupt payload", "no payload", "no image", "bad sequence number", "bad base64"],
)
def test_a_broken_insert_is_undecodable_and_names_its_aggregate(
    break_it: Callable[[dict[str, Any]], object],
) -> None:
    raw = copy.deepcopy(sdk_record(to_journal_item(CREATED, KEY), 7))
    break_it(raw)
    record = decode_record(raw, KEY)
    assert isinstance(record, UndecodableRecord)
    assert record.sequence_number == "7"
    assert record.aggregate_key == f"UserAccount-{ACCOUNT.value}"
    assert record.aggregate_id == ACCOUNT.value
    assert record.error


def test_a_payload_of_another_aggregate_is_undecodable() -> None:
    raw = sdk_record(to_journal_item(CREATED, KEY), 7)
    raw["dynamodb"]["Keys"]["pkey"] = {"S": "UserAccount-01HAAAAAAAAAAAAAAAAAAAAAAA"}
    record = decode_record(raw, KEY)
    assert isinstance(record, UndecodableRecord)
    assert "not of UserAccount-01HAAAAAAAAAAAAAAAAAAAAAAA" in record.error


def test_a_record_without_keys_is_undecodable_with_an_unknown_aggregate() -> None:
    raw = sdk_record(to_journal_item(CREATED, KEY), 7)
    del raw["dynamodb"]["Keys"]
    record = decode_record(raw, KEY)
    assert isinstance(record, UndecodableRecord)
    assert record.aggregate_key is None
    assert record.aggregate_id is None


@pytest.mark.parametrize("event_name", ["MODIFY", "REMOVE"])
def test_records_other_than_inserts_are_ignored(
    event_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    record = decode_record(sdk_record(to_journal_item(CREATED, KEY), 9, event_name), KEY)
    assert record == IgnoredRecord("9", event_name, record.raw)
    assert "not an INSERT" in caplog.text


async def test_the_modify_records_of_an_erasures_rewrites_are_ignored_and_hold_nothing_back() -> (
    None
):
    # What the stream carries of an erasure of an account the previous version wrote: the V1
    # INSERT, long ago; the MODIFY of the same item rewritten as V2 (NEW_IMAGE only: the sealed
    # payload, never the clear one); then the INSERT of the Erased event.
    erased = UserAccountErased("01J00000000000000000000009", ACCOUNT, 2, CREATED.occurred_at)
    rewritten = {**v1_journal_item(CREATED), **to_journal_item(CREATED, KEY)}
    records = [
        sdk_record(v1_journal_item(CREATED), 1),
        sdk_record(rewritten, 2, "MODIFY"),
        sdk_record(to_journal_item(erased, None), 3),
    ]
    assert b"Taro" not in rewritten["payload"]["B"]
    keys = WatchedDataKeys()
    decoded = await decode_records(records, keys)
    assert decoded == [
        DecodedRecord("1", f"UserAccount-{ACCOUNT.value}", CREATED, records[0]),
        IgnoredRecord("2", "MODIFY", records[1]),
        DecodedRecord("3", f"UserAccount-{ACCOUNT.value}", erased, records[2]),
    ]
    assert keys.finds == {}  # the MODIFY is not even opened


def test_a_record_without_a_sequence_number_is_malformed() -> None:
    raw = sdk_record(to_journal_item(CREATED, KEY), 9)
    del raw["dynamodb"]["SequenceNumber"]
    with pytest.raises(MalformedRecordError):
        decode_record(raw, KEY)


def test_aggregate_ids_come_from_valid_partition_keys_only() -> None:
    assert aggregate_id_of(f"UserAccount-{ACCOUNT.value.lower()}") == ACCOUNT.value
    assert aggregate_id_of("UserAccount-not-an-id") is None
    assert aggregate_id_of(f"Other-{ACCOUNT.value}") is None
    assert aggregate_id_of(None) is None


def test_lambda_records_carry_base64_binaries_and_epoch_times() -> None:
    item = to_journal_item(CREATED, KEY)
    sdk = sdk_record(item, 9)
    converted = as_lambda_record(sdk, "arn:stream")
    payload = converted["dynamodb"]["NewImage"]["payload"]["B"]
    assert base64.b64decode(payload) == item["payload"]["B"]
    assert (
        converted["dynamodb"]["ApproximateCreationDateTime"]
        == datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC).timestamp()
    )
    assert record_time(converted) == record_time(sdk) == datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
    assert record_time({"dynamodb": {}}) is None


# --- batches: the accounts' keys ---

OTHER = UserAccountId("01HYYYYYYYYYYYYYYYYYYYYYYY")


def _renamed(account: UserAccountId, seq_nr: int) -> UserAccountRenamed:
    return UserAccountRenamed(
        f"01J0000000000000000000000{seq_nr}",
        account,
        seq_nr,
        CREATED.occurred_at,
        CREATED.name,
        UserAccountName("Jiro", f"Yamada {seq_nr}"),
    )


async def test_a_batch_looks_up_each_account_key_once() -> None:
    keys = WatchedDataKeys()
    mine, other = await keys.create(ACCOUNT.value), await keys.create(OTHER.value)
    events = [
        (CREATED, mine),
        (_renamed(ACCOUNT, 2), mine),
        (replace(CREATED, aggregate_id=OTHER), other),
        (_renamed(ACCOUNT, 3), mine),
        (_renamed(OTHER, 2), other),
    ]
    records = [sdk_record(to_journal_item(e, k), n) for n, (e, k) in enumerate(events, 1)]

    decoded = await decode_records(records, keys)

    assert [r.event for r in decoded if isinstance(r, DecodedRecord)] == [e for e, _ in events]
    assert keys.finds == {ACCOUNT.value: 1, OTHER.value: 1}


async def test_records_that_need_no_key_look_none_up() -> None:
    keys = WatchedDataKeys()
    deleted = UserAccountDeleted("01J00000000000000000000009", ACCOUNT, 2, CREATED.occurred_at)
    records = [
        sdk_record(v1_journal_item(CREATED), 1),
        sdk_record(to_journal_item(deleted, None), 2),
    ]

    decoded = await decode_records(records, keys)

    assert [r.event for r in decoded if isinstance(r, DecodedRecord)] == [CREATED, deleted]
    assert keys.finds == {}


async def test_a_record_whose_key_is_gone_decodes_to_erased_personal_data() -> None:
    keys = WatchedDataKeys()
    key = await keys.create(ACCOUNT.value)
    record = sdk_record(to_journal_item(CREATED, key), 5)
    await keys.destroy(ACCOUNT.value)

    [decoded] = await decode_records([record], keys)

    assert isinstance(decoded, DecodedRecord)
    assert decoded.event == ErasedPersonalData(CREATED.event_id, ACCOUNT, 1, CREATED.occurred_at)
    assert decoded.aggregate_id == ACCOUNT.value


async def test_a_record_under_another_key_is_undecodable_and_says_no_value() -> None:
    keys = WatchedDataKeys()
    await keys.create(ACCOUNT.value)
    [decoded] = await decode_records([sdk_record(to_journal_item(CREATED, KEY), 5)], keys)
    assert isinstance(decoded, UndecodableRecord)
    assert "does not decrypt" in decoded.error
    assert "Taro" not in decoded.error
    assert "taro@" not in decoded.error


async def test_a_key_store_outage_propagates() -> None:
    class Unreachable(WatchedDataKeys):
        async def find(self, account_id: str) -> bytes | None:
            raise ConnectionError("the key table is unreachable")

    with pytest.raises(ConnectionError):
        await decode_records([sdk_record(to_journal_item(CREATED, KEY), 5)], Unreachable())

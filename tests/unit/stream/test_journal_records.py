"""Decoding stream records: both shapes, broken records, records that are not INSERTs."""

import base64
import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.user_account import EmailAddress, UserAccountCreated, UserAccountId, UserAccountName
from infrastructure.stream_consumer import MalformedRecordError, as_lambda_record, record_time
from interface_adapter.event_store.journal_item import to_journal_item
from interface_adapter.stream.journal_records import (
    DecodedRecord,
    IgnoredRecord,
    UndecodableRecord,
    aggregate_id_of,
    decode_record,
)
from tests.support.stream_events import CORRUPT_PAYLOAD, load_fixture, sdk_record

pytestmark = pytest.mark.unit

ACCOUNT = UserAccountId("01HZZZZZZZZZZZZZZZZZZZZZZZ")
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
    record = decode_record(sdk_record(to_journal_item(CREATED), 42))
    assert record == DecodedRecord("42", f"UserAccount-{ACCOUNT.value}", CREATED, record.raw)
    assert record.aggregate_id == ACCOUNT.value


def test_a_lambda_record_decodes_to_the_same_event() -> None:
    sdk = sdk_record(to_journal_item(CREATED), 42)
    lambda_shaped = as_lambda_record(sdk, "arn:stream")
    assert isinstance(lambda_shaped["dynamodb"]["NewImage"]["payload"]["B"], str)
    assert lambda_shaped["eventSourceARN"] == "arn:stream"
    decoded = decode_record(lambda_shaped)
    assert isinstance(decoded, DecodedRecord)
    assert decoded.event == CREATED


def test_the_committed_fixtures_decode() -> None:
    records = [decode_record(r) for r in load_fixture("insert_batch.json")["Records"]]
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
    raw = copy.deepcopy(sdk_record(to_journal_item(CREATED), 7))
    break_it(raw)
    record = decode_record(raw)
    assert isinstance(record, UndecodableRecord)
    assert record.sequence_number == "7"
    assert record.aggregate_key == f"UserAccount-{ACCOUNT.value}"
    assert record.aggregate_id == ACCOUNT.value
    assert record.error


def test_a_payload_of_another_aggregate_is_undecodable() -> None:
    raw = sdk_record(to_journal_item(CREATED), 7)
    raw["dynamodb"]["Keys"]["pkey"] = {"S": "UserAccount-01HAAAAAAAAAAAAAAAAAAAAAAA"}
    record = decode_record(raw)
    assert isinstance(record, UndecodableRecord)
    assert "not of UserAccount-01HAAAAAAAAAAAAAAAAAAAAAAA" in record.error


def test_a_record_without_keys_is_undecodable_with_an_unknown_aggregate() -> None:
    raw = sdk_record(to_journal_item(CREATED), 7)
    del raw["dynamodb"]["Keys"]
    record = decode_record(raw)
    assert isinstance(record, UndecodableRecord)
    assert record.aggregate_key is None
    assert record.aggregate_id is None


@pytest.mark.parametrize("event_name", ["MODIFY", "REMOVE"])
def test_records_other_than_inserts_are_ignored(
    event_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    record = decode_record(sdk_record(to_journal_item(CREATED), 9, event_name))
    assert record == IgnoredRecord("9", event_name, record.raw)
    assert "not an INSERT" in caplog.text


def test_a_record_without_a_sequence_number_is_malformed() -> None:
    raw = sdk_record(to_journal_item(CREATED), 9)
    del raw["dynamodb"]["SequenceNumber"]
    with pytest.raises(MalformedRecordError):
        decode_record(raw)


def test_aggregate_ids_come_from_valid_partition_keys_only() -> None:
    assert aggregate_id_of(f"UserAccount-{ACCOUNT.value.lower()}") == ACCOUNT.value
    assert aggregate_id_of("UserAccount-not-an-id") is None
    assert aggregate_id_of(f"Other-{ACCOUNT.value}") is None
    assert aggregate_id_of(None) is None


def test_lambda_records_carry_base64_binaries_and_epoch_times() -> None:
    sdk = sdk_record(to_journal_item(CREATED), 9)
    converted = as_lambda_record(sdk, "arn:stream")
    payload = converted["dynamodb"]["NewImage"]["payload"]["B"]
    assert base64.b64decode(payload) == to_journal_item(CREATED)["payload"]["B"]
    assert (
        converted["dynamodb"]["ApproximateCreationDateTime"]
        == datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC).timestamp()
    )
    assert record_time(converted) == record_time(sdk) == datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
    assert record_time({"dynamodb": {}}) is None

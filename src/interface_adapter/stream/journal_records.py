"""DynamoDB Streams records of the journal (SDK or Lambda JSON shape) decoded into events."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.user_account import UserAccountEvent, UserAccountId
from infrastructure.stream_consumer import sequence_number_of
from interface_adapter.event_store.journal_item import ENTITY_TYPE_NAME, from_journal_item

logger = logging.getLogger(__name__)

_KEY_PREFIX = f"{ENTITY_TYPE_NAME}-"
# What a broken record can raise while decoded: protobuf and base64 errors are ValueErrors.
DECODING_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


@dataclass(frozen=True, slots=True)
class DecodedRecord:
    """An INSERT of a journal item: the event it holds."""

    sequence_number: str
    aggregate_key: str
    event: UserAccountEvent
    raw: Mapping[str, Any]

    @property
    def aggregate_id(self) -> str:
        return self.event.aggregate_id.value


@dataclass(frozen=True, slots=True)
class UndecodableRecord:
    """An INSERT whose item is not an event this code can read."""

    sequence_number: str
    # The journal's partition key; None when the record does not even name its item.
    aggregate_key: str | None
    error: str
    raw: Mapping[str, Any]

    @property
    def aggregate_id(self) -> str | None:
        return aggregate_id_of(self.aggregate_key)


@dataclass(frozen=True, slots=True)
class IgnoredRecord:
    """A MODIFY or REMOVE: the journal is append-only, so there is nothing to project."""

    sequence_number: str
    event_name: str
    raw: Mapping[str, Any]


StreamRecord = DecodedRecord | UndecodableRecord | IgnoredRecord


def decode_record(record: Mapping[str, Any]) -> StreamRecord:
    """The meaning of one stream record; only a record without a sequence number raises
    (the consumer's MalformedRecordError)."""
    sequence_number = sequence_number_of(record)
    event_name = record.get("eventName")
    if event_name != "INSERT":
        logger.warning(
            "ignoring a stream record that is not an INSERT (the journal is append-only)",
            extra={"sequence_number": sequence_number, "event_name": event_name},
        )
        return IgnoredRecord(sequence_number, str(event_name), record)
    aggregate_key = _aggregate_key(record)
    try:
        event = from_journal_item(record["dynamodb"]["NewImage"])
        if aggregate_key is None:
            raise ValueError("the record has no partition key")
        expected = f"{_KEY_PREFIX}{event.aggregate_id.value}"
        if aggregate_key != expected:
            raise ValueError(f"the payload is an event of {expected}, not of {aggregate_key}")
    except DECODING_ERRORS as error:
        return UndecodableRecord(
            sequence_number, aggregate_key, f"{type(error).__name__}: {error}", record
        )
    return DecodedRecord(sequence_number, aggregate_key, event, record)


def aggregate_id_of(aggregate_key: str | None) -> str | None:
    """The account id in a journal partition key `UserAccount-<ULID>`, when it holds a valid one."""
    if aggregate_key is None or not aggregate_key.startswith(_KEY_PREFIX):
        return None
    parsed = UserAccountId.parse(aggregate_key.removeprefix(_KEY_PREFIX))
    return parsed.map(lambda account_id: account_id.value).value_or(None)


def _aggregate_key(record: Mapping[str, Any]) -> str | None:
    try:
        key = record["dynamodb"]["Keys"]["pkey"]["S"]
    except (KeyError, TypeError):
        return None
    return key if isinstance(key, str) else None

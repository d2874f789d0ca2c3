"""DynamoDB Streams records of the journal (SDK or Lambda JSON shape) decoded into events, with
the accounts' data keys looked up once per account per batch."""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.user_account import UserAccountId
from infrastructure.stream_consumer import sequence_number_of
from interface_adapter.event_store.journal_item import ENTITY_TYPE_NAME, stored_event_of
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.serialization.upcasters import StoredEvent, upcast
from use_case.ports import JournalEvent

logger = logging.getLogger(__name__)

_KEY_PREFIX = f"{ENTITY_TYPE_NAME}-"
# What a broken record can raise while decoded: protobuf, base64 and decryption errors are
# ValueErrors.
DECODING_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


@dataclass(frozen=True, slots=True)
class DecodedRecord:
    """An INSERT of a journal item: the event it holds (ErasedPersonalData when the account's
    key is gone)."""

    sequence_number: str
    aggregate_key: str
    event: JournalEvent
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


@dataclass(frozen=True, slots=True)
class _EnvelopeRead:
    """An INSERT whose envelope is read; its event waits for the account's key."""

    sequence_number: str
    aggregate_key: str | None
    stored: StoredEvent
    raw: Mapping[str, Any]

    @property
    def key_owner(self) -> str | None:
        """The account whose key decoding needs; None when it needs none (or names none)."""
        return aggregate_id_of(self.aggregate_key) if self.stored.needs_key else None


async def decode_records(
    records: Sequence[Mapping[str, Any]], data_keys: DataKeys
) -> list[StreamRecord]:
    """The meaning of each record, in order; the keys of the accounts whose records need one
    are looked up once each, together. Only a record without a sequence number raises (the
    consumer's MalformedRecordError), and a key lookup that fails (the key store is away)."""
    read = [_read(record) for record in records]
    keys = await _keys_of(read, data_keys)
    return [
        _decoded(record, keys.get(record.key_owner))
        if isinstance(record, _EnvelopeRead)
        else record
        for record in read
    ]


def decode_record(record: Mapping[str, Any], key: bytes | None) -> StreamRecord:
    """The meaning of one stream record, decrypted with `key` (its account's, or None)."""
    read = _read(record)
    return _decoded(read, key) if isinstance(read, _EnvelopeRead) else read


async def _keys_of(
    read: Iterable[_EnvelopeRead | StreamRecord], data_keys: DataKeys
) -> dict[str | None, bytes | None]:
    owners = sorted(
        {
            owner
            for record in read
            if isinstance(record, _EnvelopeRead) and (owner := record.key_owner) is not None
        }
    )
    if not owners:
        return {}
    # One lookup for the batch (a BatchGetItem on DynamoDB), not one request per account.
    found = await data_keys.find_many(owners)
    return {owner: found.get(owner) for owner in owners}


def _read(record: Mapping[str, Any]) -> _EnvelopeRead | UndecodableRecord | IgnoredRecord:
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
        stored = stored_event_of(record["dynamodb"]["NewImage"])
    except DECODING_ERRORS as error:
        return _undecodable(sequence_number, aggregate_key, error, record)
    return _EnvelopeRead(sequence_number, aggregate_key, stored, record)


def _decoded(read: _EnvelopeRead, key: bytes | None) -> DecodedRecord | UndecodableRecord:
    try:
        event = upcast(read.stored, key)
        if read.aggregate_key is None:
            raise ValueError("the record has no partition key")
        expected = f"{_KEY_PREFIX}{event.aggregate_id.value}"
        if read.aggregate_key != expected:
            raise ValueError(f"the payload is an event of {expected}, not of {read.aggregate_key}")
    except DECODING_ERRORS as error:
        return _undecodable(read.sequence_number, read.aggregate_key, error, read.raw)
    return DecodedRecord(read.sequence_number, read.aggregate_key, event, read.raw)


def _undecodable(
    sequence_number: str, aggregate_key: str | None, error: Exception, record: Mapping[str, Any]
) -> UndecodableRecord:
    # The error's text names fields and versions, never a value (see FieldCipher.open).
    return UndecodableRecord(
        sequence_number, aggregate_key, f"{type(error).__name__}: {error}", record
    )


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

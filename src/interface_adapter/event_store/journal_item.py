"""Journal items: one event as a DynamoDB item (attribute-value format) and back."""

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.user_account import UserAccountEvent, UserAccountId
from infrastructure.tracing.trace_context import RequestTrace
from interface_adapter.serialization.event_serializer import serialize_event
from interface_adapter.serialization.event_types import event_type_name, event_type_version
from interface_adapter.serialization.upcasters import StoredEvent, read_stored_event, upcast
from use_case.ports import JournalEvent

# The persistence id prefix of the original service: pkey = "UserAccount-<ULID>".
ENTITY_TYPE_NAME = "UserAccount"


def persistence_id(aggregate_id: UserAccountId) -> str:
    """The journal's and the snapshot table's partition key of an aggregate."""
    return f"{ENTITY_TYPE_NAME}-{aggregate_id.value}"


def iso_utc(moment: datetime) -> str:
    """`moment` as ISO-8601 UTC with six fraction digits: 2026-11-26T03:04:05.123456Z."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def to_journal_item(
    event: UserAccountEvent, key: bytes | None, trace: RequestTrace | None = None
) -> dict[str, Any]:
    """The journal item of `event`: keys, readable metadata (no personal data), and the protobuf
    envelope, its personal data sealed under `key` (the account's data key; None only for an
    event without personal data). With `trace`, the item carries the `correlation_id` and
    `traceparent` of the request that writes it (SPEC §10.2), plain strings beside the payload;
    nothing reads them back into the event."""
    item = {
        "pkey": {"S": persistence_id(event.aggregate_id)},
        "skey": {"N": str(event.seq_nr)},
        "aggregate_id": {"S": event.aggregate_id.value},
        "event_id": {"S": event.event_id},
        "event_type": {"S": event_type_name(event)},
        "event_version": {"S": event_type_version(event)},
        "occurred_at": {"S": iso_utc(event.occurred_at)},
        "payload": {"B": serialize_event(event, key)},
    }
    if trace is not None:
        item["correlation_id"] = {"S": trace.correlation_id}
        item["traceparent"] = {"S": trace.traceparent}
    return item


def stored_event_of(item: Mapping[str, Any]) -> StoredEvent:
    """The envelope of a journal item, as the SDK returns it or as a Lambda stream record's
    NewImage, not decrypted yet.

    Only `skey` and `payload` are read: the envelope is the source of truth. In the Lambda
    event shape binary values are base64 strings; the SDK gives bytes.
    """
    return read_stored_event(binary_value(item["payload"]), int(item["skey"]["N"]))


def from_journal_item(item: Mapping[str, Any], key: bytes | None) -> JournalEvent:
    """The event of a journal item, decrypted with `key` (the account's data key, or None when
    it has none: a V2 event then decodes to ErasedPersonalData)."""
    return upcast(stored_event_of(item), key)


def binary_value(attribute: Mapping[str, Any]) -> bytes:
    """The bytes of a `B` attribute value, decoding the base64 text of JSON-shaped records."""
    value = attribute["B"]
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return base64.b64decode(value, validate=True)
    return bytes(value)  # bytearray or memoryview

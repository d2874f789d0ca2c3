"""What an operator may see of a journal stream record (a dead letter's): its keys, event type
and trace attributes, never its payload, which holds the account's personal data."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from infrastructure.stream_consumer import record_time


@dataclass(frozen=True, slots=True)
class RecordMetadata:
    # INSERT, MODIFY or REMOVE; None when the record says nothing.
    event_name: str | None
    # The journal item's keys: "UserAccount-<id>" and the event's sequence number.
    partition_key: str | None
    seq_nr: int | None
    event_type: str | None
    event_version: str | None
    # When the item was written, as DynamoDB Streams says (to the second on AWS).
    written_at: datetime | None
    # Of the request that wrote the item (SPEC §10.2); None for an item written before items
    # carried them, or outside a request.
    correlation_id: str | None
    traceparent: str | None


def record_metadata(record: Mapping[str, Any]) -> RecordMetadata:
    """The metadata of a raw stream record of the journal (SDK or Lambda JSON shape); what a
    broken record lacks is None. Reads only plain attributes: `payload` is never touched."""
    change = _mapping(record.get("dynamodb"))
    keys = _mapping(change.get("Keys"))
    image = _mapping(change.get("NewImage"))
    seq_nr = _attribute(keys, "skey", "N") or _attribute(image, "skey", "N")
    event_name = record.get("eventName")
    return RecordMetadata(
        event_name=event_name if isinstance(event_name, str) else None,
        partition_key=_attribute(keys, "pkey", "S") or _attribute(image, "pkey", "S"),
        seq_nr=int(seq_nr) if seq_nr is not None and seq_nr.isdigit() else None,
        event_type=_attribute(image, "event_type", "S"),
        event_version=_attribute(image, "event_version", "S"),
        written_at=record_time({"dynamodb": change}),
        correlation_id=_attribute(image, "correlation_id", "S"),
        traceparent=_attribute(image, "traceparent", "S"),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _attribute(item: Mapping[str, Any], name: str, kind: str) -> str | None:
    value = _mapping(item.get(name)).get(kind)
    return value if isinstance(value, str) else None

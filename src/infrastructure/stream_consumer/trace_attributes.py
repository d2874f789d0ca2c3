"""The trace context a stream record's journal item carries (its `correlation_id` and
`traceparent` attributes, SPEC §10.2): for the log lines about the record and its dead letter."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TRACE_ATTRIBUTES = ("correlation_id", "traceparent")


@dataclass(frozen=True, slots=True)
class RecordTrace:
    # Of the request that wrote the item; None for an item written before items carried them,
    # or outside a request.
    correlation_id: str | None = None
    traceparent: str | None = None

    def log_fields(self) -> dict[str, str]:
        """The fields of a log line about the record: those it has."""
        fields = {}
        if self.correlation_id is not None:
            fields["correlation_id"] = self.correlation_id
        if self.traceparent is not None:
            fields["traceparent"] = self.traceparent
        return fields


def record_trace(record: Mapping[str, Any]) -> RecordTrace:
    """The trace attributes of the record's new image (SDK or Lambda JSON shape); what a record
    lacks (or holds as something else than a string) is None."""
    change = record.get("dynamodb")
    image = change.get("NewImage") if isinstance(change, Mapping) else None
    if not isinstance(image, Mapping):
        return RecordTrace()
    return RecordTrace(_string(image, "correlation_id"), _string(image, "traceparent"))


def _string(image: Mapping[str, Any], name: str) -> str | None:
    attribute = image.get(name)
    value = attribute.get("S") if isinstance(attribute, Mapping) else None
    return value if isinstance(value, str) else None

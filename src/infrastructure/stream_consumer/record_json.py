"""Raw DynamoDB Streams records (SDK or Lambda JSON shape): their sequence number and time, and
the JSON of an AWS Lambda DynamoDB Streams event (to store or replay them)."""

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


class MalformedRecordError(ValueError):
    """A record without a sequence number: it cannot be retried, reported or checkpointed."""


def sequence_number_of(record: Mapping[str, Any]) -> str:
    try:
        value = record["dynamodb"]["SequenceNumber"]
    except (KeyError, TypeError) as error:
        raise MalformedRecordError("a stream record without dynamodb.SequenceNumber") from error
    if not isinstance(value, str) or not value:
        raise MalformedRecordError(f"a stream record with SequenceNumber {value!r}")
    return value


def as_lambda_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """`record` (SDK shape: bytes and datetimes) in the Lambda event shape: binary values as
    base64 text, times as epoch seconds, and the `eventSourceARN` Lambda adds."""
    converted: dict[str, Any] = _json_value(record)
    converted.setdefault("eventSourceARN", stream_arn)
    return converted


def record_time(record: Mapping[str, Any]) -> datetime | None:
    """The record's ApproximateCreationDateTime in UTC, whichever shape it comes in."""
    value = record.get("dynamodb", {}).get("ApproximateCreationDateTime")
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    return None


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    return value

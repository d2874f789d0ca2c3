"""UTC datetimes ⇄ google.protobuf.Timestamp, exact to the microsecond."""

from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_timestamp(moment: datetime) -> Timestamp:
    """`moment` (timezone-aware) as seconds and nanoseconds since the epoch."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: event times must be timezone-aware UTC")
    # Integer arithmetic on timedelta: going through a float would lose microseconds.
    seconds, micros = divmod((moment - _EPOCH) // _MICROSECOND, 1_000_000)
    return Timestamp(seconds=seconds, nanos=micros * 1000)


def from_timestamp(timestamp: Timestamp) -> datetime:
    """The UTC datetime of `timestamp`; nanoseconds below a microsecond are dropped."""
    return _EPOCH + timedelta(seconds=timestamp.seconds, microseconds=timestamp.nanos // 1000)

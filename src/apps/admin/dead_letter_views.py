"""Dead letters as an operator sees them: a table, one letter's details, or JSON; metadata only,
never the record's payload (`show --raw` prints the record, and says what it holds)."""

from datetime import UTC, datetime
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from infrastructure.stream_consumer import StoredDeadLetter
from interface_adapter.stream.parked_record import RecordMetadata, record_metadata

# The error column of `list`: enough to tell errors apart.
ERROR_WIDTH = 48

RAW_WARNING = (
    "the raw record is the stream record as parked: its payload is the event as the journal "
    "stores it (base64 protobuf), personal data included unless the journal encrypts it"
)


def when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def as_json(stored: StoredDeadLetter) -> dict[str, Any]:
    letter = stored.letter
    metadata = record_metadata(letter.record)
    return {
        "id": stored.letter_id,
        "stream_arn": stored.stream_arn,
        "shard_id": stored.shard_id,
        "sequence_number": letter.sequence_number,
        "account_id": letter.entity_id,
        "partition_key": metadata.partition_key,
        "seq_nr": metadata.seq_nr,
        "event_name": metadata.event_name,
        "event_type": metadata.event_type,
        "event_version": metadata.event_version,
        "written_at": _iso(metadata.written_at),
        "correlation_id": metadata.correlation_id,
        "traceparent": metadata.traceparent,
        "error": letter.error,
        "attempts": letter.attempts,
        "first_failed_at": _iso(letter.first_failed_at),
        "last_failed_at": _iso(letter.last_failed_at),
    }


def letters_table(letters: list[StoredDeadLetter]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    # The sequence number and the stream are in `show ID` (and in --json).
    for column in ("id", "account", "event", "attempts", "last failed"):
        justify = "right" if column in ("id", "attempts") else "left"
        table.add_column(column, justify=justify, no_wrap=True)
    # One line per letter, the error cut to what fits: `show ID` gives the whole of it.
    table.add_column("error", overflow="ellipsis", no_wrap=True, max_width=ERROR_WIDTH)
    for stored in letters:
        letter = stored.letter
        table.add_row(
            str(stored.letter_id),
            Text(letter.entity_id or "-"),
            Text(event_label(record_metadata(letter.record))),
            str(letter.attempts),
            when(letter.last_failed_at),
            Text(letter.error),
        )
    return table


def letter_details(stored: StoredDeadLetter) -> Table:
    letter = stored.letter
    metadata = record_metadata(letter.record)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    rows = (
        ("id", str(stored.letter_id)),
        ("stream", stored.stream_arn),
        ("shard", stored.shard_id),
        ("sequence number", letter.sequence_number),
        ("account", letter.entity_id or "- (the record names none)"),
        ("journal item", _item_label(metadata)),
        ("event", event_label(metadata)),
        ("written at", when(metadata.written_at)),
        ("correlation id", metadata.correlation_id or "-"),
        ("traceparent", metadata.traceparent or "-"),
        ("attempts", str(letter.attempts)),
        ("first failed", when(letter.first_failed_at)),
        ("last failed", when(letter.last_failed_at)),
        ("error", letter.error),
    )
    for label, value in rows:
        grid.add_row(label, Text(value))
    return grid


def event_label(metadata: RecordMetadata) -> str:
    """`UserAccountEvent.Created V1`, or what the record is when it holds no event."""
    if metadata.event_name not in (None, "INSERT"):
        return f"({metadata.event_name})"
    if metadata.event_type is None:
        return "- (no event type)"
    return " ".join(part for part in (metadata.event_type, metadata.event_version) if part)


def _item_label(metadata: RecordMetadata) -> str:
    key = metadata.partition_key or "-"
    return key if metadata.seq_nr is None else f"{key} #{metadata.seq_nr}"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()

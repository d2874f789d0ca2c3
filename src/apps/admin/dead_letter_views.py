"""Dead letters as an operator sees them: a table, one letter's details, or JSON; metadata only,
never the record's payload (`show --raw` prints the record, and says what it holds)."""

from datetime import UTC, datetime
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from infrastructure.stream_consumer import StoredDeadLetter
from interface_adapter.stream.parked_record import RecordMetadata, record_metadata

# The error column of `list`: enough to tell errors apart, and what it keeps at least.
ERROR_WIDTH = 60
MIN_ERROR_WIDTH = 20
_NUMBERS = ("id", "attempts")

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
        "correlation_id": letter.correlation_id or metadata.correlation_id,
        "traceparent": letter.traceparent or metadata.traceparent,
        "error": letter.error,
        "attempts": letter.attempts,
        "first_failed_at": _iso(letter.first_failed_at),
        "last_failed_at": _iso(letter.last_failed_at),
    }


def letters_table(letters: list[StoredDeadLetter], width: int) -> Table:
    """One line per letter, its error cut to the `width` the others leave (at most
    ERROR_WIDTH): `show ID` gives the whole of it, and the sequence number and the stream. On
    a narrow terminal the time, then the event, give way first."""
    columns: dict[str, list[str]] = {
        "id": [str(stored.letter_id) for stored in letters],
        "account": [stored.letter.entity_id or "-" for stored in letters],
        "event": [
            event_label(record_metadata(stored.letter.record), short=True) for stored in letters
        ],
        "attempts": [str(stored.letter.attempts) for stored in letters],
        "last failed": [when(stored.letter.last_failed_at) for stored in letters],
    }
    for droppable in ("last failed", "event"):
        if _room_for_errors(columns, width) >= MIN_ERROR_WIDTH:
            break
        del columns[droppable]
    error_width = min(max(_room_for_errors(columns, width), MIN_ERROR_WIDTH), ERROR_WIDTH)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for header in columns:
        table.add_column(header, justify="right" if header in _NUMBERS else "left", no_wrap=True)
    table.add_column("error", no_wrap=True, overflow="ellipsis")
    for index, stored in enumerate(letters):
        cells = [Text(cells[index]) for cells in columns.values()]
        table.add_row(*cells, Text(_cut(stored.letter.error, error_width)))
    return table


def _room_for_errors(columns: dict[str, list[str]], width: int) -> int:
    widths = [max(len(header), *(len(cell) for cell in cells)) for header, cells in columns.items()]
    # Three spaces between columns (the padding and the box's separator), one spare.
    return width - sum(widths) - 3 * len(widths) - 1


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
        # The letter's columns; a letter parked before it had them, from its record.
        ("correlation id", letter.correlation_id or metadata.correlation_id or "-"),
        ("traceparent", letter.traceparent or metadata.traceparent or "-"),
        ("attempts", str(letter.attempts)),
        ("first failed", when(letter.first_failed_at)),
        ("last failed", when(letter.last_failed_at)),
        ("error", letter.error),
    )
    for label, value in rows:
        grid.add_row(label, Text(value))
    return grid


def event_label(metadata: RecordMetadata, *, short: bool = False) -> str:
    """`UserAccountEvent.Created V1` (`Created V1` when `short`), or what the record is when it
    holds no event."""
    if metadata.event_name not in (None, "INSERT"):
        return f"({metadata.event_name})"
    if metadata.event_type is None:
        return "-"
    event_type = metadata.event_type.rsplit(".", 1)[-1] if short else metadata.event_type
    return " ".join(part for part in (event_type, metadata.event_version) if part)


def _item_label(metadata: RecordMetadata) -> str:
    key = metadata.partition_key or "-"
    return key if metadata.seq_nr is None else f"{key} #{metadata.seq_nr}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()

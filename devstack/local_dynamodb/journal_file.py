"""Reading the request journal back at start, cutting off a line torn by a crash mid-write."""

import logging
import os
from pathlib import Path

from devstack.local_dynamodb.recorded_request import CorruptEntryError, RecordedRequest

logger = logging.getLogger(__name__)


class CorruptJournalError(RuntimeError):
    """A line other than the last cannot be read: the file was damaged, not torn by a crash."""


def load_journal(path: Path) -> list[RecordedRequest]:
    """Every request recorded in `path` (none when it does not exist), oldest first.

    A last line that is unreadable or lacks its newline is what a crash during an append leaves
    behind; it was never acknowledged, so it is dropped with a warning and cut off the file, so
    that the next append starts on a line of its own. Damage before the last line is an error.
    """
    if not path.exists():
        return []
    data = path.read_bytes()
    entries: list[RecordedRequest] = []
    offset = 0
    line_number = 0
    while offset < len(data):
        line_number += 1
        end = data.find(b"\n", offset)
        if end == -1:
            # Every append ends with its newline: a line without one was cut short by a crash.
            _cut_torn_tail(path, offset, line_number, len(data) - offset)
            break
        try:
            entries.append(RecordedRequest.from_json_line(data[offset:end]))
        except CorruptEntryError as error:
            # Only blanks or NULs after it (a crash may leave zero-filled blocks): a torn tail.
            if data[end + 1 :].strip(b" \t\r\n\0"):
                raise CorruptJournalError(
                    f"{path}: line {line_number} is not a recorded request ({error}); "
                    "the lines after it are intact, so this is damage, not a torn write"
                ) from error
            _cut_torn_tail(path, offset, line_number, len(data) - offset)
            break
        offset = end + 1
    return entries


def _cut_torn_tail(path: Path, offset: int, line_number: int, size: int) -> None:
    logger.warning(
        "ignoring a torn last line of the request journal",
        extra={"path": str(path), "line": line_number, "bytes": size},
    )
    with path.open("r+b") as file:
        file.truncate(offset)
        os.fsync(file.fileno())

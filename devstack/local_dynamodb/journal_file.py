"""Reading the request journal back at start: scrubbed lines skipped (a scrub a crash
interrupted finished), a last line torn by a crash mid-write cut off."""

import logging
import os
from pathlib import Path

from devstack.local_dynamodb.line_index import JournalLine
from devstack.local_dynamodb.recorded_request import CorruptEntryError, RecordedRequest
from devstack.local_dynamodb.request_journal import SCRUBBED_LINE_MARK

logger = logging.getLogger(__name__)


class CorruptJournalError(RuntimeError):
    """A line other than the last cannot be read: the file was damaged, not torn by a crash."""


def load_journal(path: Path) -> list[RecordedRequest]:
    """Every request recorded in `path` (none when it does not exist), oldest first."""
    return [request for request, _ in load_journal_lines(path)]


def load_journal_lines(path: Path) -> list[tuple[RecordedRequest, JournalLine]]:
    """Every request recorded in `path` with its line, oldest first.

    A line that starts with SCRUBBED_LINE_MARK was scrubbed (its item removed): skipped, and
    when a crash interrupted its scrub (not yet all spaces), scrubbed here before anything
    reads it.

    A last line that is unreadable or lacks its newline is what a crash during an append leaves
    behind; it was never acknowledged, so it is dropped with a warning and cut off the file, so
    that the next append starts on a line of its own. Damage before the last line is an error.
    """
    if not path.exists():
        return []
    data = path.read_bytes()
    entries: list[tuple[RecordedRequest, JournalLine]] = []
    unfinished_scrubs: list[tuple[int, int]] = []
    offset = 0
    line_number = 0
    while offset < len(data):
        line_number += 1
        end = data.find(b"\n", offset)
        if end == -1:
            # Every append ends with its newline: a line without one was cut short by a crash.
            _cut_torn_tail(path, offset, line_number, len(data) - offset)
            break
        if data.startswith(SCRUBBED_LINE_MARK, offset):
            if data[offset + 1 : end].strip(b" "):
                unfinished_scrubs.append((offset, end - offset))
            offset = end + 1
            continue
        try:
            entries.append(
                (
                    RecordedRequest.from_json_line(data[offset:end]),
                    JournalLine(offset, end + 1 - offset),
                )
            )
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
    if unfinished_scrubs:
        _finish_scrubs(path, unfinished_scrubs)
    return entries


def _finish_scrubs(path: Path, lines: list[tuple[int, int]]) -> None:
    logger.warning(
        "finishing the scrub of lines a crash interrupted",
        extra={"path": str(path), "lines": len(lines)},
    )
    with path.open("r+b") as file:
        for offset, length in lines:
            file.seek(offset + 1)
            file.write(b" " * (length - 1))
        file.flush()
        os.fsync(file.fileno())


def _cut_torn_tail(path: Path, offset: int, line_number: int, size: int) -> None:
    logger.warning(
        "ignoring a torn last line of the request journal",
        extra={"path": str(path), "line": line_number, "bytes": size},
    )
    with path.open("r+b") as file:
        file.truncate(offset)
        os.fsync(file.fileno())

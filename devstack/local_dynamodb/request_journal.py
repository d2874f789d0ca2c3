"""The request journal: one JSON line per acknowledged write, durable on reply; a line scrubbed in
place when its item is removed, the file replaced whole at a compaction (temp file, fsync,
rename, fsync of the directory)."""

import fcntl
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

logger = logging.getLogger(__name__)

# Lines are gathered into writes of about this size while a replacement is written.
_REPLACEMENT_CHUNK_BYTES = 1 << 20

# The first byte of a scrubbed line; the rest of it, up to its newline, is spaces.
SCRUBBED_LINE_MARK = b"#"


class JournalInUseError(RuntimeError):
    """Another process holds the journal: two servers on one data directory would interleave."""


def replacement_path(path: Path) -> Path:
    """Where a compaction writes the new journal before renaming it over `path`."""
    return path.with_name(f"{path.name}.compacting")


class RequestJournal:
    """Appends lines to a file kept open, and makes them durable with group commit.

    `append` only hands the line to the kernel (fast, under a lock, so the file order is the
    order of the calls); `wait_durable` returns once an fsync covering that line has finished.
    While one thread runs fdatasync, others append and then share the next one, so under load
    many acknowledged writes pay for a single disk flush. `replace` swaps the whole file for
    new content; the appends after it go to the new file.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: BinaryIO = path.open("ab", buffering=0)
        try:
            _lock(self._file)
        except JournalInUseError:
            self._file.close()
            raise JournalInUseError(f"{path} is in use by another process") from None
        self._remove_unfinished_replacement()
        self._size = os.fstat(self._file.fileno()).st_size
        # For scrubbing: on Linux a pwrite to a descriptor opened with O_APPEND (as `_file`
        # is) writes at the end of the file whatever its offset.
        self._scrub_descriptor: int | None = None
        self._append_lock = threading.Lock()
        self._durable = threading.Condition()
        self._appended = 0
        self._synced = 0
        self._syncing = False
        self._closed = False

    @property
    def size(self) -> int:
        """The journal's bytes, scrubbed lines included."""
        return self._size

    def append(self, line: bytes) -> int:
        """Write one line; returns the ticket to pass to `wait_durable`."""
        return self.append_at(line)[0]

    def append_at(self, line: bytes) -> tuple[int, int]:
        """Write one line: (the ticket to pass to `wait_durable`, the line's offset)."""
        with self._append_lock:
            if self._closed:
                raise ValueError("the request journal is closed")
            offset = self._size
            # Unbuffered: one write(2) per line, so an fsync after it covers the whole line.
            self._size += _write_all(self._file, line)
            self._appended += 1
            return self._appended, offset

    def scrub(self, lines: Iterable[tuple[int, int]]) -> None:
        """Overwrite each line (offset, length with its newline) in place, durably: first its
        first byte with SCRUBBED_LINE_MARK, flushed, then the rest with spaces, flushed. A
        crash in between leaves marked lines, which loading skips and scrubs (journal_file).
        The caller stops appends that could meanwhile make a scrubbed line live again."""
        lines = list(lines)
        with self._append_lock:
            if self._closed:
                raise ValueError("the request journal is closed")
            if self._scrub_descriptor is None:
                self._scrub_descriptor = os.open(self._path, os.O_WRONLY)
            descriptor = self._scrub_descriptor
            for offset, _ in lines:
                _pwrite_all(descriptor, SCRUBBED_LINE_MARK, offset)
            os.fdatasync(descriptor)
            for offset, length in lines:
                _pwrite_all(descriptor, b" " * (length - 2), offset + 1)
            os.fdatasync(descriptor)

    def wait_durable(self, ticket: int) -> None:
        """Return once the line of `ticket` (and every line before it) is on disk."""
        with self._durable:
            while self._synced < ticket:
                if self._syncing:
                    self._durable.wait()
                    continue
                self._syncing = True
                target = self._appended
                self._durable.release()
                try:
                    os.fdatasync(self._file.fileno())
                finally:
                    self._durable.acquire()
                    self._syncing = False
                    self._durable.notify_all()
                self._synced = max(self._synced, target)

    def replace(self, lines: Iterable[bytes]) -> int:
        """Make the journal hold exactly `lines`, durably; returns the bytes written.

        The new content goes to a temporary file in the same directory, fsync'd, renamed over
        the journal, and the directory fsync'd: a crash at any point leaves the old journal or
        the new one, whole. It is locked before the rename, so no second server can take it.
        The caller stops other appends meanwhile (its apply lock) and `lines` must stand for
        every write appended so far: lines still waiting for their fsync are then durable too.
        """
        with self._append_lock:
            if self._closed:
                raise ValueError("the request journal is closed")
            with self._durable:
                # The file of a running fdatasync is not swapped under it.
                while self._syncing:
                    self._durable.wait()
                temporary = replacement_path(self._path)
                new_file, written = _write_replacement(temporary, lines, _mode_of(self._file))
                try:
                    os.replace(temporary, self._path)
                except BaseException:
                    new_file.close()
                    temporary.unlink(missing_ok=True)
                    raise
                # From the rename on, the journal is the new file, whatever happens next.
                old_file, self._file = self._file, new_file
                old_file.close()
                self._size = written
                self._close_scrub_descriptor()
                self._synced = self._appended
                self._durable.notify_all()
                _fsync_directory(self._path.parent)
                return written

    def close(self) -> None:
        """Flush what was appended, release waiters and close; later appends fail."""
        with self._append_lock:
            if self._closed:
                return
            self._closed = True
        with self._durable:
            while self._syncing:
                self._durable.wait()
            os.fdatasync(self._file.fileno())
            self._synced = self._appended
            self._durable.notify_all()
            self._file.close()
            self._close_scrub_descriptor()

    def _close_scrub_descriptor(self) -> None:
        if self._scrub_descriptor is not None:
            os.close(self._scrub_descriptor)
            self._scrub_descriptor = None

    def _remove_unfinished_replacement(self) -> None:
        # Left by a crash before its rename: the journal itself is the old one, whole.
        temporary = replacement_path(self._path)
        if temporary.exists():
            temporary.unlink()
            logger.warning(
                "removed an unfinished compaction of the request journal",
                extra={"path": str(temporary)},
            )


def _lock(file: BinaryIO) -> None:
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise JournalInUseError(f"{file.name} is in use by another process") from None


def _write_replacement(path: Path, lines: Iterable[bytes], mode: int) -> tuple[BinaryIO, int]:
    """`lines` written to a new file at `path`, fsync'd and locked; the file is left open."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, mode)
    file = os.fdopen(descriptor, "ab", buffering=0)
    try:
        # The old journal's permissions, whatever the umask.
        os.fchmod(file.fileno(), mode)
        _lock(file)
        written = 0
        chunk = bytearray()
        for line in lines:
            chunk += line
            if len(chunk) >= _REPLACEMENT_CHUNK_BYTES:
                written += _write_all(file, chunk)
                chunk.clear()
        written += _write_all(file, chunk)
        os.fsync(file.fileno())
    except BaseException:
        file.close()
        path.unlink(missing_ok=True)
        raise
    return file, written


def _write_all(file: BinaryIO, data: bytes | bytearray) -> int:
    view = memoryview(data)
    written = 0
    while written < len(view):
        written += file.write(view[written:]) or 0
    return written


def _pwrite_all(descriptor: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    written = 0
    while written < len(view):
        written += os.pwrite(descriptor, view[written:], offset + written)


def _mode_of(file: BinaryIO) -> int:
    return os.fstat(file.fileno()).st_mode & 0o777


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

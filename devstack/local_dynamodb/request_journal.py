"""The append-only request journal: one JSON line per acknowledged write, durable on reply."""

import fcntl
import os
import threading
from pathlib import Path
from typing import BinaryIO


class JournalInUseError(RuntimeError):
    """Another process holds the journal: two servers on one data directory would interleave."""


class RequestJournal:
    """Appends lines to a file kept open, and makes them durable with group commit.

    `append` only hands the line to the kernel (fast, under a lock, so the file order is the
    order of the calls); `wait_durable` returns once an fsync covering that line has finished.
    While one thread runs fdatasync, others append and then share the next one, so under load
    many acknowledged writes pay for a single disk flush.
    """

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO = path.open("ab", buffering=0)
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise JournalInUseError(f"{path} is in use by another process") from None
        self._append_lock = threading.Lock()
        self._durable = threading.Condition()
        self._appended = 0
        self._synced = 0
        self._syncing = False
        self._closed = False

    def append(self, line: bytes) -> int:
        """Write one line; returns the ticket to pass to `wait_durable`."""
        with self._append_lock:
            if self._closed:
                raise ValueError("the request journal is closed")
            # Unbuffered: one write(2) per line, so an fsync after it covers the whole line.
            written = 0
            while written < len(line):
                written += self._file.write(line[written:]) or 0
            self._appended += 1
            return self._appended

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

"""A key-encryption key in a file: 32 random bytes, created on first use (mode 0600 in a 0700
directory) so that processes starting at once agree on one."""

import os
import stat
import tempfile
from pathlib import Path

from infrastructure.crypto.aead import KEY_BYTES, new_key


class KeyFileError(ValueError):
    """The key file cannot be used; the message says why and what to do."""


def load_or_create_key_file(path: str | os.PathLike[str]) -> bytes:
    """The key in `path`, created first when there is none.

    Creation is atomic: the key is written to a temporary file beside it (0600), synced, and
    hard-linked to `path`, which fails when another process linked its own first; then that
    process's key is read. A reader never sees a partial file.
    """
    target = Path(path)
    try:
        return _read(target)
    except FileNotFoundError:
        pass
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".key-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(new_key())
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, target)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            _sync_directory(target.parent)
    finally:
        os.unlink(temporary)
    return _read(target)


def _read(target: Path) -> bytes:
    try:
        opened = target.open("rb")
    except IsADirectoryError:
        raise KeyFileError(f"{target} is a directory, not a key file") from None
    with opened as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise KeyFileError(f"{target} is not a regular file")
        if mode & 0o077:
            raise KeyFileError(
                f"{target} may be read by others (mode {stat.S_IMODE(mode):04o}): anyone who "
                f"reads it can unwrap every key; make it private with chmod 600 {target}"
            )
        key = file.read(KEY_BYTES + 1)
    if len(key) != KEY_BYTES:
        raise KeyFileError(
            f"{target} holds {len(key)} bytes, not the {KEY_BYTES} of a key-encryption key"
        )
    return key


def _sync_directory(directory: Path) -> None:
    """The new name survives a crash (a file's fsync does not cover its directory entry)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

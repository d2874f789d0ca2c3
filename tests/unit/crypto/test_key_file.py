"""The local key-encryption key file: made on first use (0600 in a 0700 directory), read back
the same afterwards, refused with a clear message when unusable."""

import os
import stat
import threading
from pathlib import Path

import pytest

from infrastructure.crypto import KEY_BYTES, KeyFileError, load_or_create_key_file

pytestmark = pytest.mark.unit


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_first_use_makes_a_private_file_in_a_private_directory(tmp_path: Path) -> None:
    path = tmp_path / "run" / "keys" / "key-encryption-key"

    key = load_or_create_key_file(path)

    assert len(key) == KEY_BYTES
    assert path.read_bytes() == key
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["key-encryption-key"]


def test_later_uses_read_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "key-encryption-key"
    first = load_or_create_key_file(path)

    assert load_or_create_key_file(path) == first
    assert load_or_create_key_file(str(path)) == first


def test_threads_starting_at_once_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "key-encryption-key"
    barrier = threading.Barrier(8)
    keys: list[bytes] = []

    def use() -> None:
        barrier.wait()
        keys.append(load_or_create_key_file(path))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(keys) == 8
    assert set(keys) == {path.read_bytes()}
    assert [p.name for p in path.parent.iterdir()] == ["key-encryption-key"]  # no temp left


@pytest.mark.parametrize("readable_by", [0o640, 0o604, 0o644])
def test_a_file_others_may_read_is_refused(tmp_path: Path, readable_by: int) -> None:
    path = tmp_path / "key-encryption-key"
    path.write_bytes(os.urandom(KEY_BYTES))
    path.chmod(readable_by)

    with pytest.raises(KeyFileError, match=f"mode {readable_by:04o}.*chmod 600"):
        load_or_create_key_file(path)


@pytest.mark.parametrize("size", [0, 16, 31, 33, 64])
def test_a_file_of_another_size_is_refused(tmp_path: Path, size: int) -> None:
    path = tmp_path / "key-encryption-key"
    path.write_bytes(b"\x07" * size)
    path.chmod(0o600)

    with pytest.raises(KeyFileError, match=f"holds {min(size, 33)} bytes, not the 32"):
        load_or_create_key_file(path)
    assert path.read_bytes() == b"\x07" * size  # never replaced


def test_a_directory_in_its_place_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key-encryption-key"
    path.mkdir(mode=0o700)

    with pytest.raises(KeyFileError, match="is a directory"):
        load_or_create_key_file(path)

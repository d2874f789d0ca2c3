"""LocalFileKeyWrapper under the key wrapper contract, and what it does with its file."""

import stat
from pathlib import Path

import pytest

from infrastructure.crypto import KeyFileError, KeyUnwrapError, LocalFileKeyWrapper, new_key
from infrastructure.crypto.local_key_wrapper import key_encryption_key_id
from tests.support.key_wrapper_contract import CONTEXT, KeyWrapperContract

pytestmark = pytest.mark.unit


class TestLocalFileKeyWrapper(KeyWrapperContract):
    wrapped_by_prefix = "local-kek:"

    @pytest.fixture
    def wrapper(self, tmp_path: Path) -> LocalFileKeyWrapper:
        return LocalFileKeyWrapper(tmp_path / "keys" / "key-encryption-key")

    @pytest.fixture
    def other_wrapper(self, tmp_path: Path) -> LocalFileKeyWrapper:
        return LocalFileKeyWrapper(tmp_path / "other" / "key-encryption-key")


async def test_making_the_wrapper_touches_no_file_its_first_use_makes_it(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "key-encryption-key"
    wrapper = LocalFileKeyWrapper(path)
    assert not path.parent.exists()

    await wrapper.ready()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_another_process_with_the_same_file_unwraps_what_this_one_wrapped(
    tmp_path: Path,
) -> None:
    path = tmp_path / "key-encryption-key"
    key = new_key()
    wrapped = await LocalFileKeyWrapper(path).wrap(key, CONTEXT)

    assert await LocalFileKeyWrapper(path).unwrap(wrapped, CONTEXT) == key
    assert wrapped.wrapped_by == "local-kek:" + key_encryption_key_id(path.read_bytes())


async def test_a_key_of_another_file_is_refused_naming_both(tmp_path: Path) -> None:
    ours = LocalFileKeyWrapper(tmp_path / "ours")
    wrapped = await LocalFileKeyWrapper(tmp_path / "theirs").wrap(new_key(), CONTEXT)

    with pytest.raises(KeyUnwrapError, match=r"wrapped by 'local-kek:[0-9a-f]{16}'.*'local-kek:"):
        await ours.unwrap(wrapped, CONTEXT)


async def test_an_unusable_file_fails_every_use_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "key-encryption-key"
    path.write_bytes(b"short")
    path.chmod(0o600)
    wrapper = LocalFileKeyWrapper(path)

    with pytest.raises(KeyFileError, match="holds 5 bytes"):
        await wrapper.ready()
    with pytest.raises(KeyFileError, match="holds 5 bytes"):
        await wrapper.wrap(new_key(), CONTEXT)


def test_the_key_encryption_key_id_gives_nothing_of_the_key_away() -> None:
    kek = bytes(range(32))

    name = key_encryption_key_id(kek)

    assert len(name) == 16
    assert name == key_encryption_key_id(kek) != key_encryption_key_id(new_key())
    assert name not in kek.hex()

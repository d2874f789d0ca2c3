"""Aead: AES-256-GCM values as nonce || ciphertext || tag, bound to their associated data."""

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.crypto import KEY_BYTES, Aead, DecryptionError, new_key
from infrastructure.crypto.aead import NONCE_BYTES, TAG_BYTES

pytestmark = pytest.mark.unit

KEY = bytes(range(KEY_BYTES))


@given(plaintext=st.binary(max_size=512), associated_data=st.binary(max_size=64))
def test_what_is_sealed_opens_with_the_same_key_and_associated_data(
    plaintext: bytes, associated_data: bytes
) -> None:
    sealed = Aead(KEY).seal(plaintext, associated_data)

    assert Aead(KEY).open(sealed, associated_data) == plaintext
    assert len(sealed) == NONCE_BYTES + len(plaintext) + TAG_BYTES


def test_the_stored_form_is_nonce_then_aes_gcm_ciphertext_with_its_tag() -> None:
    sealed = Aead(KEY).seal(b"Taro", b"01ABC|first_name")

    # Any AES-GCM implementation reads it: the format is the standard one, nothing of ours.
    assert AESGCM(KEY).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], b"01ABC|first_name")
    assert b"Taro" not in sealed


def test_each_seal_takes_a_fresh_nonce() -> None:
    aead = Aead(KEY)
    sealed = {aead.seal(b"the same value", b"ad") for _ in range(100)}

    assert len(sealed) == 100
    assert len({value[:NONCE_BYTES] for value in sealed}) == 100


@pytest.mark.parametrize(
    ("key", "associated_data"),
    [(new_key(), b"01ABC|first_name"), (KEY, b"01ABC|last_name"), (KEY, b"01ABD|first_name")],
)
def test_another_key_or_associated_data_does_not_open(key: bytes, associated_data: bytes) -> None:
    sealed = Aead(KEY).seal(b"Taro", b"01ABC|first_name")

    with pytest.raises(DecryptionError):
        Aead(key).open(sealed, associated_data)


@pytest.mark.parametrize("position", [0, NONCE_BYTES, -1])
def test_a_changed_byte_does_not_open(position: int) -> None:
    sealed = bytearray(Aead(KEY).seal(b"Taro", b"ad"))
    sealed[position] ^= 0x01

    with pytest.raises(DecryptionError):
        Aead(KEY).open(bytes(sealed), b"ad")


def test_a_value_too_short_to_hold_a_nonce_and_tag_is_refused() -> None:
    with pytest.raises(DecryptionError, match="at least 28 bytes"):
        Aead(KEY).open(b"\x00" * 27, b"ad")


@pytest.mark.parametrize("length", [0, 16, 24, 31, 33])
def test_only_256_bit_keys(length: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Aead(b"\x01" * length)


def test_new_keys_are_256_bits_and_differ() -> None:
    keys = {new_key() for _ in range(100)}

    assert len(keys) == 100
    assert {len(key) for key in keys} == {KEY_BYTES}


def test_neither_repr_nor_an_error_shows_the_key_or_the_value() -> None:
    aead = Aead(KEY)
    sealed = aead.seal(b"Taro", b"ad")
    with pytest.raises(DecryptionError) as refused:
        aead.open(sealed, b"other")

    for text in (repr(aead), str(refused.value)):
        assert KEY.hex() not in text
        assert repr(KEY)[2:-1] not in text
        assert "Taro" not in text

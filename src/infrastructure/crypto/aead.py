"""AES-256-GCM under one key (cryptography's AESGCM): a fresh 96-bit nonce per value, the
sealed value is nonce || ciphertext || tag, bound to its associated data."""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """A sealed value does not open under this key and associated data: another key, other
    associated data, or bytes changed since it was sealed."""


def new_key() -> bytes:
    """A fresh 256-bit key from the operating system's random source."""
    return os.urandom(KEY_BYTES)


class Aead:
    """Seals and opens values under one 256-bit key; never shows the key (not even in repr)."""

    __slots__ = ("_cipher",)

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"an AES-256 key has {KEY_BYTES} bytes, not {len(key)}")
        self._cipher = AESGCM(key)

    def seal(self, plaintext: bytes, associated_data: bytes) -> bytes:
        """nonce || ciphertext || tag; a random nonce, so sealing the same value twice differs.

        Random 96-bit nonces stay safe for far more values than one key ever seals here (NIST
        SP 800-38D bounds a key to 2**32 random nonces).
        """
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._cipher.encrypt(nonce, plaintext, associated_data)

    def open(self, sealed: bytes, associated_data: bytes) -> bytes:
        """The plaintext of `sealed`, or DecryptionError (its message quotes nothing of it)."""
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionError(
                f"a sealed value has at least {NONCE_BYTES + TAG_BYTES} bytes, not {len(sealed)}"
            )
        try:
            return self._cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
        except InvalidTag:
            raise DecryptionError(
                "the value does not open under this key and associated data"
            ) from None

    def __repr__(self) -> str:
        return "Aead(<key hidden>)"

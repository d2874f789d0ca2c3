"""One account's personal-data fields sealed with AES-256-GCM (SPEC §9.1): a fresh 96-bit nonce
per value, associated data `<account id>|<field>`, stored as nonce || ciphertext and tag."""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from interface_adapter.serialization.errors import PersonalDataUnreadableError

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


class FieldCipher:
    """Seals and opens the text fields of one account under its data key.

    The associated data binds each value to its account and field: a value copied into another
    field or another account's item does not open.
    """

    __slots__ = ("_aead", "_prefix")

    def __init__(self, key: bytes, account_id: str) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a data key has {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)
        self._prefix = f"{account_id}|".encode()

    def seal(self, field: str, text: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, text.encode(), self._prefix + field.encode())

    def open(self, field: str, stored: bytes) -> str:
        """The text sealed as `field`; PersonalDataUnreadableError when it does not open (the
        message names the field, never a value)."""
        if len(stored) < NONCE_BYTES + TAG_BYTES:
            raise PersonalDataUnreadableError(f"{field} is too short to be a sealed value")
        nonce, sealed = stored[:NONCE_BYTES], stored[NONCE_BYTES:]
        try:
            plain = self._aead.decrypt(nonce, sealed, self._prefix + field.encode())
            return plain.decode()
        except (InvalidTag, UnicodeDecodeError) as error:
            raise PersonalDataUnreadableError(
                f"{field} does not decrypt under the account's data key"
            ) from error

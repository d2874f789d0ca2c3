"""One account's personal-data fields sealed under its data key (SPEC §9.1): AES-256-GCM with
associated data `<account id>|<field>`: a value moved to another account or field does not open."""

import re

from infrastructure.crypto import Aead, DecryptionError
from interface_adapter.serialization.errors import PersonalDataUnreadableError

# No "|" in a field name: `<account id>|<field>` then splits one way only.
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


class FieldCipher:
    """Seals and opens the text fields of `account_id` under its data `key`."""

    __slots__ = ("_account_id", "_aead")

    def __init__(self, key: bytes, account_id: str) -> None:
        self._aead = Aead(key)
        self._account_id = account_id

    def seal(self, field: str, text: str) -> bytes:
        """nonce || ciphertext || tag of `text` (UTF-8), a fresh nonce each time."""
        return self._aead.seal(text.encode(), self._associated_data(field))

    def open(self, field: str, stored: bytes) -> str:
        """The text sealed as `field`; PersonalDataUnreadableError when it does not open (the
        message names the account and field, never a value)."""
        try:
            return self._aead.open(stored, self._associated_data(field)).decode()
        except (DecryptionError, UnicodeDecodeError):
            raise PersonalDataUnreadableError(
                f"the {field} of account {self._account_id} does not decrypt under the account's"
                " data key"
            ) from None

    def _associated_data(self, field: str) -> bytes:
        if not _FIELD_NAME.fullmatch(field):
            raise ValueError(f"a field name is lowercase letters, digits and _, not {field!r}")
        return f"{self._account_id}|{field}".encode()

    def __repr__(self) -> str:
        return f"FieldCipher({self._account_id!r}, <key hidden>)"

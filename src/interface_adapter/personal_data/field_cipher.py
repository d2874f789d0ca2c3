"""AccountFieldCipher: one account's personal fields sealed under its data key, each bound to
`<account id>|<field>` (SPEC §9.1), so a value moved to another account or field does not open."""

import re

from infrastructure.crypto import Aead, DecryptionError

# The fields the personal data of an account is stored in (one name per protobuf field).
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
EMAIL_ADDRESS = "email_address"
OLD_FIRST_NAME = "old_first_name"
OLD_LAST_NAME = "old_last_name"

# No "|" in a field name: `<account id>|<field>` then splits one way only.
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


class PersonalDataDecryptionError(ValueError):
    """A personal field does not decrypt under the account's key: another key, another account
    or field, or changed bytes. The message names the account and field, never a value."""


class AccountFieldCipher:
    """Encrypts and decrypts the personal fields of `account_id` under its data `key`."""

    __slots__ = ("_account_id", "_aead")

    def __init__(self, account_id: str, key: bytes) -> None:
        self._account_id = account_id
        self._aead = Aead(key)

    def encrypt(self, field: str, value: str) -> bytes:
        """nonce || ciphertext || tag of `value` (UTF-8), a fresh nonce each time."""
        return self._aead.seal(value.encode(), self._associated_data(field))

    def decrypt(self, field: str, sealed: bytes) -> str:
        try:
            plaintext = self._aead.open(sealed, self._associated_data(field))
        except DecryptionError:
            raise PersonalDataDecryptionError(
                f"the {field} of account {self._account_id} does not decrypt under its key"
            ) from None
        return plaintext.decode()

    def _associated_data(self, field: str) -> bytes:
        if not _FIELD_NAME.fullmatch(field):
            raise ValueError(f"a field name is lowercase letters, digits and _, not {field!r}")
        return f"{self._account_id}|{field}".encode()

    def __repr__(self) -> str:
        return f"AccountFieldCipher({self._account_id!r}, <key hidden>)"

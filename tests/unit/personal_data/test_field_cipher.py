"""AccountFieldCipher: a personal field sealed under the account's key with `<account id>|<field>`
as associated data (SPEC §9.1); moved to another account or field, it does not decrypt."""

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.crypto import new_key
from interface_adapter.personal_data.field_cipher import (
    EMAIL_ADDRESS,
    FIRST_NAME,
    LAST_NAME,
    AccountFieldCipher,
    PersonalDataDecryptionError,
)

pytestmark = pytest.mark.unit

ACCOUNT = "01KB6Y3ZQ8XW3R8Q3V9T6J2M4N"
KEY = new_key()


@given(value=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_a_field_decrypts_to_what_was_encrypted(value: str) -> None:
    cipher = AccountFieldCipher(ACCOUNT, KEY)

    assert cipher.decrypt(FIRST_NAME, cipher.encrypt(FIRST_NAME, value)) == value


def test_the_associated_data_is_the_account_id_and_the_field_name() -> None:
    sealed = AccountFieldCipher(ACCOUNT, KEY).encrypt(EMAIL_ADDRESS, "taro@example.com")

    opened = AESGCM(KEY).decrypt(sealed[:12], sealed[12:], f"{ACCOUNT}|email_address".encode())
    assert opened == b"taro@example.com"
    assert b"taro" not in sealed


def test_the_same_value_encrypts_differently_each_time() -> None:
    cipher = AccountFieldCipher(ACCOUNT, KEY)

    assert cipher.encrypt(LAST_NAME, "Yamada") != cipher.encrypt(LAST_NAME, "Yamada")


@pytest.mark.parametrize(
    ("account_id", "field", "key"),
    [
        ("01KB6Y3ZQ8XW3R8Q3V9T6J2M4P", FIRST_NAME, KEY),  # copied to another account
        (ACCOUNT, LAST_NAME, KEY),  # moved to another field
        (ACCOUNT, FIRST_NAME, new_key()),  # another key (the account's was replaced)
    ],
)
def test_a_value_moved_elsewhere_does_not_decrypt(account_id: str, field: str, key: bytes) -> None:
    sealed = AccountFieldCipher(ACCOUNT, KEY).encrypt(FIRST_NAME, "Taro")

    with pytest.raises(PersonalDataDecryptionError) as refused:
        AccountFieldCipher(account_id, key).decrypt(field, sealed)
    assert "Taro" not in str(refused.value)
    assert account_id in str(refused.value)


@pytest.mark.parametrize("field", ["", "First_name", "first|name", "name "])
def test_field_names_are_plain_identifiers(field: str) -> None:
    with pytest.raises(ValueError, match="field name"):
        AccountFieldCipher(ACCOUNT, KEY).encrypt(field, "Taro")


def test_repr_hides_the_key() -> None:
    text = repr(AccountFieldCipher(ACCOUNT, KEY))

    assert ACCOUNT in text
    assert KEY.hex() not in text
    assert repr(KEY)[2:-1] not in text

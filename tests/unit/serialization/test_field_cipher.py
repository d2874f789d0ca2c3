"""FieldCipher: a personal field sealed under the account's key with `<account id>|<field>` as
associated data (SPEC §9.1); moved to another account or field, it does not open."""

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.crypto import new_key
from interface_adapter.serialization.errors import PersonalDataUnreadableError
from interface_adapter.serialization.field_cipher import FieldCipher

pytestmark = pytest.mark.unit

ACCOUNT = "01KB6Y3ZQ8XW3R8Q3V9T6J2M4N"
KEY = new_key()


@given(value=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_a_field_opens_to_what_was_sealed(value: str) -> None:
    cipher = FieldCipher(KEY, ACCOUNT)

    assert cipher.open("first_name", cipher.seal("first_name", value)) == value


def test_the_associated_data_is_the_account_id_and_the_field_name() -> None:
    sealed = FieldCipher(KEY, ACCOUNT).seal("email_address", "taro@example.com")

    opened = AESGCM(KEY).decrypt(sealed[:12], sealed[12:], f"{ACCOUNT}|email_address".encode())
    assert opened == b"taro@example.com"
    assert b"taro" not in sealed


def test_the_same_value_seals_differently_each_time() -> None:
    cipher = FieldCipher(KEY, ACCOUNT)

    assert cipher.seal("last_name", "Yamada") != cipher.seal("last_name", "Yamada")


@pytest.mark.parametrize(
    ("account_id", "field", "key"),
    [
        ("01KB6Y3ZQ8XW3R8Q3V9T6J2M4P", "first_name", KEY),  # copied to another account
        (ACCOUNT, "last_name", KEY),  # moved to another field
        (ACCOUNT, "first_name", new_key()),  # another key (the account's was replaced)
    ],
)
def test_a_value_moved_elsewhere_does_not_open(account_id: str, field: str, key: bytes) -> None:
    sealed = FieldCipher(KEY, ACCOUNT).seal("first_name", "Taro")

    with pytest.raises(PersonalDataUnreadableError) as refused:
        FieldCipher(key, account_id).open(field, sealed)
    assert "Taro" not in str(refused.value)
    assert account_id in str(refused.value)


def test_a_value_too_short_to_be_sealed_does_not_open() -> None:
    with pytest.raises(PersonalDataUnreadableError):
        FieldCipher(KEY, ACCOUNT).open("first_name", b"short")


@pytest.mark.parametrize("field", ["", "First_name", "first|name", "name "])
def test_field_names_are_plain_identifiers(field: str) -> None:
    with pytest.raises(ValueError, match="field name"):
        FieldCipher(KEY, ACCOUNT).seal(field, "Taro")


def test_repr_hides_the_key() -> None:
    text = repr(FieldCipher(KEY, ACCOUNT))

    assert ACCOUNT in text
    assert KEY.hex() not in text
    assert repr(KEY)[2:-1] not in text

"""Value-object rules of SPEC §2: every message, in its order, for any input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from domain.user_account import EmailAddress, UserAccountId, UserAccountName
from tests.support.strategies import CROCKFORD, name_texts, valid_email_texts

pytestmark = pytest.mark.unit

WHITESPACE = st.text(alphabet=" \t\n\r\u3000\u2003\x0b\x0c", max_size=5)
CONTROL_CHARACTERS = st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
SURROGATES = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])


@given(name_texts, name_texts)
def test_valid_names_are_kept_as_given(first: str, last: str) -> None:
    assert UserAccountName.parse(first, last) == Success(UserAccountName(first, last))


@given(name_texts, WHITESPACE, WHITESPACE)
def test_names_are_trimmed(name: str, before: str, after: str) -> None:
    parsed = UserAccountName.parse(before + name + after, name)
    assert parsed.unwrap().first_name == name


@given(WHITESPACE)
def test_empty_or_blank_names_are_rejected_first(blank: str) -> None:
    assert UserAccountName.parse(blank, blank) == Failure(
        ["First name cannot be empty", "Last name cannot be empty"]
    )


@given(st.text(min_size=257, max_size=600).filter(lambda s: len(s.strip()) > 256), name_texts)
def test_every_name_over_256_characters_is_rejected(long_name: str, other: str) -> None:
    result = UserAccountName.parse(other, long_name)
    assert isinstance(result, Failure)
    assert result.failure()[-1] in (
        "Last name is too long",
        "Last name contains invalid characters",
    )


@given(name_texts.filter(lambda s: len(s) <= 200), st.integers(min_value=0, max_value=256))
def test_names_up_to_256_code_points_are_accepted(name: str, pad: int) -> None:
    candidate = (name + "名" * 256)[:256]
    assert UserAccountName.parse(candidate, "x").unwrap().first_name == candidate


def test_length_counts_code_points_not_bytes() -> None:
    assert isinstance(UserAccountName.parse("😀" * 256, "x"), Success)
    assert UserAccountName.parse("😀" * 257, "x") == Failure(["First name is too long"])


@given(name_texts, st.one_of(CONTROL_CHARACTERS, SURROGATES), st.integers(min_value=0))
def test_control_characters_and_surrogates_are_rejected(name: str, bad: str, at: int) -> None:
    position = at % (len(name) + 1)
    # Wrapped in letters: NEL (\x85) at an end would be trimmed away, as str.strip() does.
    poisoned = "x" + name[:position] + bad + name[position:] + "x"
    assert UserAccountName.parse(poisoned, "Yamada") == Failure(
        ["First name contains invalid characters"]
    )


def test_invalid_characters_are_reported_before_length() -> None:
    assert UserAccountName.parse("a" * 300 + "\x00" + "b", "x") == Failure(
        ["First name contains invalid characters"]
    )


def test_any_script_is_valid() -> None:
    for first, last in [("山田", "太郎"), ("😀", "🎉"), ("مرحبا", "שלום"), ("Zoë", "Ñuñez")]:
        assert UserAccountName.parse(first, last).unwrap().full_name == f"{first} {last}"


@given(valid_email_texts.filter(lambda s: len(s) <= 100))
def test_every_valid_email_is_accepted(email: str) -> None:
    assert EmailAddress.parse(f"  {email}\n") == Success(EmailAddress(email))


@given(valid_email_texts.filter(lambda s: len(s) <= 80), st.integers(min_value=1, max_value=200))
def test_emails_over_100_characters_are_rejected_with_their_length(email: str, extra: int) -> None:
    long_email = "a" * (101 - len(email) + extra) + email
    assert EmailAddress.parse(long_email) == Failure(
        f"Email address is too long: {len(long_email)} characters (max 100 characters)"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Email address cannot be empty"),
        ("   ", "Email address cannot be empty"),
        ("a@b.c\x00", "Email address contains invalid characters"),
        ("plainaddress", "Invalid email format"),
        ("a@b", "Invalid email format"),
        ("a@b.c", "Invalid email format"),
        ("a b@example.com", "Invalid email format"),
        ("taro@例え.jp", "Invalid email format"),
        ("a@b.com\nx", "Email address contains invalid characters"),
    ],
)
def test_email_rules(raw: str, message: str) -> None:
    assert EmailAddress.parse(raw) == Failure(message)


@given(st.text(alphabet=CROCKFORD, min_size=25, max_size=25), st.sampled_from("01234567"))
def test_ids_are_accepted_in_either_case_and_upper_cased(rest: str, first: str) -> None:
    raw = first + rest
    assert UserAccountId.parse(raw.lower()) == Success(UserAccountId(raw))
    assert UserAccountId.parse(raw) == Success(UserAccountId(raw))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "User account ID cannot be empty"),
        ("01H", "User account ID must be exactly 26 characters"),
        (" 01ARZ3NDEKTSV4RRFFQ69G5FAV", "User account ID must be exactly 26 characters"),
        ("01ARZ3NDEKTSV4RRFFQ69G5FAVX", "User account ID must be exactly 26 characters"),
        ("81ARZ3NDEKTSV4RRFFQ69G5FAV", "Invalid user account ID format"),
        ("01ARZ3NDEKTSV4RRFFQ69G5FAI", "Invalid user account ID format"),
        ("01ARZ3NDEKTSV4RRFFQ69G5FAl", "Invalid user account ID format"),
        ("01ARZ3NDEKTSV4RRFFQ69G5FAß", "Invalid user account ID format"),
        ("01ARZ3NDEKTSV4RRFFQ69G5FA ", "Invalid user account ID format"),
    ],
)
def test_id_rules(raw: str, message: str) -> None:
    assert UserAccountId.parse(raw) == Failure(message)


@given(st.text(max_size=40))
def test_id_parse_never_accepts_what_is_not_a_ulid(raw: str) -> None:
    result = UserAccountId.parse(raw)
    if isinstance(result, Success):
        assert len(raw) == 26
        assert set(result.unwrap().value) <= set(CROCKFORD)
        assert result.unwrap().value[0] <= "7"

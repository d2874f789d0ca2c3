"""The value objects' quick acceptance checks answer exactly as SPEC §2's rules read one by one.

The parsers accept the common valid input with one regular expression; these tests compare them
with the rules written out plainly (trim → empty → invalid characters → too long → format), on
inputs made to sit on every boundary: control characters, surrogates, lengths, case, non-ASCII.
"""

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from domain.user_account import EmailAddress, UserAccountId, UserAccountName
from domain.user_account.text_rules import has_forbidden_characters

pytestmark = pytest.mark.unit

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
EMAIL_FORMAT = re.compile(r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$")
# Characters on the rules' edges: controls (C0, DEL, C1), surrogates, white space that strip()
# removes, letters whose case mapping lands in ASCII (Kelvin sign, dotless i, long s), digits of
# other scripts, and the characters the email format allows.
EDGE_CHARACTERS = (
    "\x00\x1f\x7f\x80\x85\x9f\ud800\udfff \t\n\u3000\u00a0\u200b"
    "\u212a\u0131\u017f\u00df\uff21\u0660é名😀"
)
FORMAT_CHARACTERS = "aZ09._%+-@"


def forbidden(value: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cs") for char in value)


def text_rule(raw: str, field: str, max_length: int) -> Result[str, str]:
    value = raw.strip()
    if not value:
        return Failure(f"{field} cannot be empty")
    if forbidden(value):
        return Failure(f"{field} contains invalid characters")
    if len(value) > max_length:
        return Failure(f"{field} is too long")
    return Success(value)


def email_rules(raw: str) -> Result[EmailAddress, str]:
    value = raw.strip()
    if not value:
        return Failure("Email address cannot be empty")
    if forbidden(value):
        return Failure("Email address contains invalid characters")
    if len(value) > 100:
        return Failure(f"Email address is too long: {len(value)} characters (max 100 characters)")
    if EMAIL_FORMAT.fullmatch(value) is None:
        return Failure("Invalid email format")
    return Success(EmailAddress(value))


def id_rules(raw: str) -> Result[UserAccountId, str]:
    if raw == "":
        return Failure("User account ID cannot be empty")
    if len(raw) != 26:
        return Failure("User account ID must be exactly 26 characters")
    upper = "".join(char.upper() if "a" <= char <= "z" else char for char in raw)
    if any(char not in CROCKFORD for char in upper) or upper[0] > "7":
        return Failure("Invalid user account ID format")
    return Success(UserAccountId(upper))


def texts(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.sampled_from(alphabet) | st.characters(), max_size=max_size)


def test_forbidden_characters_are_exactly_the_categories_cc_and_cs() -> None:
    every_character = "".join(map(chr, range(0x110000)))
    found = [index for index, char in enumerate(every_character) if has_forbidden_characters(char)]
    expected = [
        index
        for index, char in enumerate(every_character)
        if unicodedata.category(char) in ("Cc", "Cs")
    ]
    assert found == expected


@given(
    texts(EDGE_CHARACTERS + "Ab", 12),
    st.integers(min_value=0, max_value=260),
    texts(EDGE_CHARACTERS, 4),
)
def test_names_follow_the_rules_in_order(core: str, padding: int, last: str) -> None:
    first = core + "n" * padding  # around the 256-character limit
    first_rule = text_rule(first, "First name", 256)
    last_rule = text_rule(last, "Last name", 256)
    match first_rule, last_rule:
        case Success(valid_first), Success(valid_last):
            expected: Result[UserAccountName, list[str]] = Success(
                UserAccountName(valid_first, valid_last)
            )
        case _:
            expected = Failure(
                [rule.failure() for rule in (first_rule, last_rule) if isinstance(rule, Failure)]
            )
    assert UserAccountName.parse(first, last) == expected


@given(
    texts(EDGE_CHARACTERS + FORMAT_CHARACTERS, 16),
    st.integers(min_value=0, max_value=110),
    st.sampled_from(["", "@example.com", "@b.c", "@x.jp\n", "@x.jp ", "@x.jp\x85", "@x.j\x00p"]),
)
def test_email_addresses_follow_the_rules_in_order(local: str, padding: int, domain: str) -> None:
    raw = "a" * padding + local + domain  # around the 100-character limit
    assert EmailAddress.parse(raw) == email_rules(raw)


@given(
    st.sampled_from(["", "0", "7", "8", "z"]),
    texts(CROCKFORD + CROCKFORD.lower() + "ILOUilou" + EDGE_CHARACTERS, 27),
)
def test_ids_follow_the_rules_in_order(first: str, rest: str) -> None:
    raw = first + (rest + "0" * 25)[:25] if len(rest) < 26 else first + rest
    assert UserAccountId.parse(raw) == id_rules(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "01ARZ3NDEKTSV4RRFFQ69G5FA\u212a",  # Kelvin sign: lower() is "k"
        "01ARZ3NDEKTSV4RRFFQ69G5FA\u0131",  # dotless i: upper() is "I"
        "01ARZ3NDEKTSV4RRFFQ69G5FA\u017f",  # long s: upper() is "S"
        "01ARZ3NDEKTSV4RRFFQ69G5FA\u0660",  # Arabic-Indic zero: a \d digit
        "01ARZ3NDEKTSV4RRFFQ69G5FA\n",
    ],
)
def test_ids_with_non_ascii_look_alikes_or_a_newline_are_invalid(raw: str) -> None:
    assert UserAccountId.parse(raw) == Failure("Invalid user account ID format")

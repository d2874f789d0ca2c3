"""Hypothesis strategies for hostile values, and their spelling as GraphQL literals."""

import json
import re
from typing import Any

from hypothesis import strategies as st

from tests.support.strategies import CROCKFORD

# Characters that trip parsers, encoders, SQL and terminals: NUL and other controls, line and
# paragraph separators, bidirectional controls and marks, BOM, combining marks, astral
# characters, lone surrogates (sent as JSON "\ud800" escapes), quotes, wildcards, backslash.
SPECIAL_CHARACTERS = (
    "\x00\x01\t\n\r\x1b\x7f\x85\x9f\u00a0\u2028\u2029\u200b\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffd\uffff\u0301\u3000"
    "\U0001f600\U0001f469\U0010ffff\ud800\udbff\udc00\udfff"
    "'\"\\%_;-#{}[]()$@!:=&|`*/ \u05d0\u0627\u5c71"
)
NOTABLE_TEXTS = (
    "",
    " ",
    "\t\n\r ",
    "\x00",
    "Taro\x00Yamada",
    "\ud800",
    "\udfff",
    "\ud83d\ude00",  # a surrogate pair as two escapes: JSON decoders join it into one character
    "\u202eoraT",
    "\u200f\u05e9\u05dc\u05d5\u05dd\u200f",  # RLM, shalom, RLM
    "'; DROP TABLE user_accounts; --",
    "Robert'); DROP TABLE journal;--",
    "%",
    "_",
    "\\",
    "%_\\'\"",
    "null",
    "${jndi:ldap://127.0.0.1/a}",
    "<script>alert(1)</script>",
    "0" * 26,
    "7" + "Z" * 25,
    "8" + "0" * 25,
    "01kb0000000000000000000000",
    "01KB00000000000000000000OU",
    "a@b.co",
    "a@b.c",
    "@",
)

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)

long_texts = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(["a", "山", "\U0001f600", " ", "\u200f", "\x00"]),
    st.sampled_from([99, 100, 101, 255, 256, 257, 10_000]),
)

hostile_texts = st.one_of(
    st.text(max_size=30),
    st.text(st.one_of(st.characters(), SURROGATES), max_size=30),
    st.text(st.sampled_from(SPECIAL_CHARACTERS), max_size=30),
    st.sampled_from(NOTABLE_TEXTS),
    long_texts,
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31) - 1, max_value=2**31),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_texts,
)

# Containers two levels deep at most: deeper nesting has tests of its own, and a recursive
# strategy costs most of an example's time to draw.
_keys = st.one_of(st.sampled_from(["input", "firstName", "a", ""]), st.text(max_size=6))
_shallow = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=3),
    st.dictionaries(_keys, json_scalars, max_size=3),
)
json_values = st.one_of(
    json_scalars,
    json_scalars,
    st.lists(_shallow, max_size=3),
    st.dictionaries(_keys, _shallow, max_size=3),
)

valid_ids = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("01234567"),
    st.text(alphabet=CROCKFORD + CROCKFORD.lower(), min_size=25, max_size=25),
)

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def graphql_literal(value: Any, escape_non_ascii: bool) -> str:
    """`value` written as a GraphQL input value (strings escaped as the spec allows)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return graphql_string(value, escape_non_ascii)
    if isinstance(value, list):
        return "[" + ", ".join(graphql_literal(item, escape_non_ascii) for item in value) + "]"
    fields = (
        f"{key if _NAME.fullmatch(key) else f'field{index}'}: "
        + graphql_literal(item, escape_non_ascii)
        for index, (key, item) in enumerate(value.items())
    )
    return "{" + ", ".join(fields) + "}"


def graphql_string(text: str, escape_non_ascii: bool) -> str:
    """A quoted GraphQL string holding `text`: controls always escaped, other characters
    beyond ASCII raw or as `\\uXXXX` escapes (astral ones as a surrogate pair of escapes)."""
    parts = ['"']
    for char in text:
        code_point = ord(char)
        if char in '"\\':
            parts.append("\\" + char)
        elif code_point < 0x20 or (escape_non_ascii and code_point > 0x7E):
            parts.append(_unicode_escape(code_point))
        else:
            parts.append(char)
    parts.append('"')
    return "".join(parts)


def _unicode_escape(code_point: int) -> str:
    if code_point <= 0xFFFF:
        return f"\\u{code_point:04X}"
    offset = code_point - 0x10000
    return f"\\u{0xD800 + (offset >> 10):04X}\\u{0xDC00 + (offset & 0x3FF):04X}"


def as_server_reads(value: Any) -> Any:
    """`value` as the server decodes it: JSON joins a surrogate pair sent as two escapes into
    one character (and so does a GraphQL string, read as the specification says)."""
    return json.loads(json.dumps(value))

"""Rewrite `\\uXXXX` escapes in GraphQL string literals into what libgraphqlparser reads right
(what it gets wrong with them, and the tests that pin it: README.md)."""

import re

from tartiflette.types.exceptions.tartiflette import GraphQLSyntaxError

# Comments and block strings are matched only to be skipped; quoted strings are rewritten.
_LITERAL = re.compile(
    r"""
    \#[^\n\r]*+
    | \"\"\"(?:[^"\\]++|\\\"\"\"|\\|"(?!""))*+(?:\"\"\"|\Z)
    | (?P<string>"(?:[^"\\\n\r]++|\\.)*+"?)
    """,
    re.VERBOSE,
)
# A valid surrogate pair first, then one escape of any code point, then any other escape (so
# that the `u` of an escaped backslash, `\\u0041`, is never read as the start of an escape).
_ESCAPE = re.compile(
    r"""
    \\u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})
    | \\u(?P<one>[0-9a-fA-F]{4})
    | \\.
    """,
    re.VERBOSE,
)


def rewrite_unicode_escapes(query: str) -> str:
    """`query` with its non-ASCII `\\u` escapes replaced by their characters.

    Raw characters libgraphqlparser reads correctly, unlike these escapes. So, before parsing, every
    such escape in a quoted string becomes the character it stands for (a surrogate pair one
    character, as the GraphQL specification reads it); an unpaired surrogate is a syntax error, as
    the specification says, and so is `\\u0000`, which a parser working on C strings cannot carry (a
    value holding NUL can still be sent in `variables`). ASCII escapes are left as they are: they
    are read right. Block strings have no escapes but `\\\"\"\"`, and comments none at all: both are
    skipped.

    Raises GraphQLSyntaxError, with a "<line>.<column>: " position like the parser's own
    messages, for an unpaired surrogate or NUL escape.
    """
    if "\\u" not in query:
        return query
    return _LITERAL.sub(lambda match: _rewrite_literal(query, match), query)


def _rewrite_literal(query: str, literal: re.Match[str]) -> str:
    text = literal.group(0)
    if literal.group("string") is None or "\\u" not in text:
        return text
    start = literal.start()
    return _ESCAPE.sub(lambda escape: _decode(query, start + escape.start(), escape), text)


def _decode(query: str, offset: int, escape: re.Match[str]) -> str:
    if escape.group("high") is not None:
        high = int(escape.group("high"), 16)
        low = int(escape.group("low"), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    one = escape.group("one")
    if one is None:
        return escape.group(0)
    code_point = int(one, 16)
    if code_point == 0:
        raise _syntax_error(query, offset, "the escape \\u0000 (NUL) is not accepted")
    if 0xD800 <= code_point <= 0xDFFF:
        raise _syntax_error(
            query, offset, f"invalid Unicode escape \\u{one}: an unpaired surrogate"
        )
    return escape.group(0) if code_point < 0x80 else chr(code_point)


def _syntax_error(query: str, offset: int, what: str) -> GraphQLSyntaxError:
    line_start = max(query.rfind("\n", 0, offset), query.rfind("\r", 0, offset)) + 1
    line = 1 + len(re.findall(r"\r\n|\r|\n", query[:line_start]))
    return GraphQLSyntaxError(f"{line}.{offset - line_start + 1}: {what}")

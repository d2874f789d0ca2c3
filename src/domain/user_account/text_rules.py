"""The rules every free-text input shares: trimming, emptiness, forbidden characters, length."""

import re

# Rejected anywhere in a trimmed value: the general categories Cc (C0, DEL, C1, NUL) and Cs (the
# surrogates, which cannot be encoded as UTF-8 and would poison storage and output). Unicode's
# stability policy freezes both sets, so one character class tests a value in C rather than
# looking up the category of each character in Python.
_FORBIDDEN_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def has_forbidden_characters(value: str) -> bool:
    """Whether `value` holds a control character or an unpaired surrogate."""
    return _FORBIDDEN_CHARACTER.search(value) is not None


def text_error(value: str, field: str, max_length: int) -> str | None:
    """The first rule the trimmed `value` breaks (empty → invalid characters → too long) as its
    message, or None when it is valid."""
    if 0 < len(value) <= max_length and _FORBIDDEN_CHARACTER.search(value) is None:
        return None  # the common case, in one test
    if not value:
        return f"{field} cannot be empty"
    if has_forbidden_characters(value):
        return f"{field} contains invalid characters"
    return f"{field} is too long"

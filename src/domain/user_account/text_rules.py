"""The rules every free-text input shares: trimming, emptiness, forbidden characters, length."""

import unicodedata

from returns.result import Failure, Result, Success

# General categories rejected anywhere in a trimmed value: controls (C0, DEL, C1, NUL) and
# unpaired surrogates, which cannot be encoded as UTF-8 and would poison storage and output.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})


def has_forbidden_characters(value: str) -> bool:
    """Whether `value` holds a control character or an unpaired surrogate."""
    return any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in value)


def check_text(raw: str, field: str, max_length: int) -> Result[str, str]:
    """Trim `raw` and apply empty → invalid characters → too long, reporting the first failure."""
    value = raw.strip()
    if not value:
        return Failure(f"{field} cannot be empty")
    if has_forbidden_characters(value):
        return Failure(f"{field} contains invalid characters")
    if len(value) > max_length:
        return Failure(f"{field} is too long")
    return Success(value)

"""UserAccountId: a ULID, 26 Crockford base32 characters, normalised to upper case."""

import re
from dataclasses import dataclass

from returns.result import Failure, Result, Success

ULID_LENGTH = 26
# Crockford's base32 (no I, L, O, U) in either ASCII case, spelled out: re.IGNORECASE would also
# let in non-ASCII letters that fold to ASCII (the Kelvin sign to "k"). 26 characters carry 130
# bits and a ULID has 128, so the first character is at most 7.
_ULID_PATTERN = re.compile("[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}")


@dataclass(frozen=True, slots=True, order=True)
class UserAccountId:
    """The identity of a user account; build it with `parse` from untrusted input."""

    value: str

    @staticmethod
    def parse(raw: str) -> Result["UserAccountId", str]:
        """Validate `raw` (not trimmed; ASCII case-insensitive) and normalise it to upper case."""
        if _ULID_PATTERN.fullmatch(raw) is not None:
            # Only ASCII matched: upper() changes just a-z (it would map e.g. "ß" to "SS").
            return Success(UserAccountId(raw.upper()))
        if raw == "":
            return Failure("User account ID cannot be empty")
        if len(raw) != ULID_LENGTH:
            return Failure("User account ID must be exactly 26 characters")
        return Failure("Invalid user account ID format")

    def __hash__(self) -> int:
        # Ids key every per-aggregate map: the str's cached hash, not a new tuple's, each time.
        return hash(self.value)

    def __str__(self) -> str:
        return self.value

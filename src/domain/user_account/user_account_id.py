"""UserAccountId: a ULID, 26 Crockford base32 characters, normalised to upper case."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

ULID_LENGTH = 26
_CROCKFORD_ALPHABET = frozenset("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
# 26 base32 characters carry 130 bits; a ULID has 128, so the first character is at most 7.
_MAX_FIRST_CHARACTER = "7"


@dataclass(frozen=True, slots=True, order=True)
class UserAccountId:
    """The identity of a user account; build it with `parse` from untrusted input."""

    value: str

    @staticmethod
    def parse(raw: str) -> Result["UserAccountId", str]:
        """Validate `raw` (not trimmed; ASCII case-insensitive) and normalise it to upper case."""
        if raw == "":
            return Failure("User account ID cannot be empty")
        if len(raw) != ULID_LENGTH:
            return Failure("User account ID must be exactly 26 characters")
        # Only ASCII letters may change case: str.upper() would also map e.g. "ß" to "SS".
        normalised = "".join(char.upper() if "a" <= char <= "z" else char for char in raw)
        if any(char not in _CROCKFORD_ALPHABET for char in normalised):
            return Failure("Invalid user account ID format")
        if normalised[0] > _MAX_FIRST_CHARACTER:
            return Failure("Invalid user account ID format")
        return Success(UserAccountId(normalised))

    def __str__(self) -> str:
        return self.value

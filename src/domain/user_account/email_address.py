"""EmailAddress: a trimmed address of at most 100 characters in a simple, strict format."""

import re
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account.text_rules import has_forbidden_characters

MAX_EMAIL_LENGTH = 100
_EMAIL_PATTERN = re.compile(r"[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}")


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """A validated email address; build it with `parse` from untrusted input."""

    value: str

    @staticmethod
    def parse(raw: str) -> Result["EmailAddress", str]:
        """Trim `raw`, then check empty → invalid characters → too long → format."""
        value = raw.strip()
        # The pattern admits no empty value and no control character: a short match is valid.
        if len(value) <= MAX_EMAIL_LENGTH and _EMAIL_PATTERN.fullmatch(value) is not None:
            return Success(EmailAddress(value))
        if not value:
            return Failure("Email address cannot be empty")
        if has_forbidden_characters(value):
            return Failure("Email address contains invalid characters")
        if len(value) > MAX_EMAIL_LENGTH:
            return Failure(
                f"Email address is too long: {len(value)} characters "
                f"(max {MAX_EMAIL_LENGTH} characters)"
            )
        return Failure("Invalid email format")

    def __str__(self) -> str:
        return self.value

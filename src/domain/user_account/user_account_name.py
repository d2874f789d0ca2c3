"""UserAccountName: the first and last name of an account holder."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account.text_rules import text_error

MAX_NAME_LENGTH = 256


@dataclass(frozen=True, slots=True)
class UserAccountName:
    """A validated, trimmed first and last name; any script is allowed."""

    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @staticmethod
    def parse(first_name: str, last_name: str) -> Result["UserAccountName", list[str]]:
        """Check both names and return every failure message, first name first."""
        first, last = first_name.strip(), last_name.strip()
        first_error = text_error(first, "First name", MAX_NAME_LENGTH)
        last_error = text_error(last, "Last name", MAX_NAME_LENGTH)
        if first_error is None and last_error is None:
            return Success(UserAccountName(first, last))
        return Failure([error for error in (first_error, last_error) if error is not None])

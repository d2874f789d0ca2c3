"""UserAccountName: the first and last name of an account holder."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account.text_rules import check_text

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
        first = check_text(first_name, "First name", MAX_NAME_LENGTH)
        last = check_text(last_name, "Last name", MAX_NAME_LENGTH)
        match first, last:
            case Success(valid_first), Success(valid_last):
                return Success(UserAccountName(valid_first, valid_last))
        return Failure(
            [result.failure() for result in (first, last) if isinstance(result, Failure)]
        )

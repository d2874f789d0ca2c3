"""Input rules the queries share: the page size `first`, optional ids, collecting messages."""

from returns.result import Failure, Result, Success

from domain.user_account import UserAccountId, ValidationFailed

DEFAULT_FIRST = 100
MIN_FIRST = 1
MAX_FIRST = 1000
FIRST_OUT_OF_RANGE = f"first must be between {MIN_FIRST} and {MAX_FIRST}"


def check_first(first: int | None) -> Result[int, str]:
    """The page size: `first` itself, the default when None, or why it is out of range."""
    # None is an explicit GraphQL `null` (or a null variable): treated like an absent argument.
    size = DEFAULT_FIRST if first is None else first
    if MIN_FIRST <= size <= MAX_FIRST:
        return Success(size)
    return Failure(FIRST_OUT_OF_RANGE)


def check_optional_id(raw: str | None) -> Result[UserAccountId | None, str]:
    """None stays None; anything else must be a well-formed id (existing or not)."""
    if raw is None:
        return Success(None)
    return UserAccountId.parse(raw)


def validation_failed(*checks: Result[object, str]) -> ValidationFailed:
    """Every failure among `checks`, in the order given (the order of the query's arguments)."""
    return ValidationFailed(
        tuple(check.failure() for check in checks if isinstance(check, Failure))
    )

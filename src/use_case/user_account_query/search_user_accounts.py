"""Search live user accounts whose first, last or full name contains a term: admins only."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import ValidationFailed
from domain.user_account.text_rules import has_forbidden_characters
from use_case.caller import Caller
from use_case.ports import UserAccountQueries, UserAccountRow
from use_case.user_account_access import Forbidden, may_list_all
from use_case.user_account_query.input_rules import check_first, validation_failed

MIN_TERM_LENGTH = 2
MAX_TERM_LENGTH = 100
EMPTY_TERM = "Search term cannot be empty"
INVALID_TERM_CHARACTERS = "Search term contains invalid characters"
TERM_TOO_SHORT = f"Search term must be at least {MIN_TERM_LENGTH} characters long"
TERM_TOO_LONG = f"Search term cannot exceed {MAX_TERM_LENGTH} characters"


@dataclass(frozen=True, slots=True)
class SearchUserAccounts:
    search_term: str
    # None: the default page size.
    first: int | None = None


def check_search_term(raw: str) -> Result[str, str]:
    """The trimmed term, or its first failing rule: empty → invalid characters → short → long.

    Lengths count code points, after trimming as `str.strip()` does (like names in the domain).
    """
    term = raw.strip()
    if not term:
        return Failure(EMPTY_TERM)
    if has_forbidden_characters(term):
        return Failure(INVALID_TERM_CHARACTERS)
    if len(term) < MIN_TERM_LENGTH:
        return Failure(TERM_TOO_SHORT)
    if len(term) > MAX_TERM_LENGTH:
        return Failure(TERM_TOO_LONG)
    return Success(term)


class SearchUserAccountsUseCase:
    def __init__(self, queries: UserAccountQueries) -> None:
        self._queries = queries

    async def __call__(
        self, caller: Caller, query: SearchUserAccounts
    ) -> Result[list[UserAccountRow], ValidationFailed | Forbidden]:
        if not may_list_all(caller):
            # Before the arguments: no argument would make it allowed.
            return Failure(Forbidden())
        term = check_search_term(query.search_term)
        first = check_first(query.first)
        match term, first:
            case Success(valid_term), Success(page_size):
                return Success(await self._queries.search(valid_term, page_size))
        return Failure(validation_failed(term, first))

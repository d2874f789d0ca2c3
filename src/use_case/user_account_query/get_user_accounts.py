"""List live user accounts by id, `first` of them after the cursor `after`: admins only."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import ValidationFailed
from use_case.caller import Caller
from use_case.ports import UserAccountQueries, UserAccountRow
from use_case.user_account_access import Forbidden, may_list_all
from use_case.user_account_query.input_rules import (
    check_first,
    check_optional_id,
    validation_failed,
)


@dataclass(frozen=True, slots=True)
class GetUserAccounts:
    # None: the default page size.
    first: int | None = None
    # A keyset cursor: only ids greater than it (any well-formed id, existing or not).
    after: str | None = None


class GetUserAccountsUseCase:
    def __init__(self, queries: UserAccountQueries) -> None:
        self._queries = queries

    async def __call__(
        self, caller: Caller, query: GetUserAccounts
    ) -> Result[list[UserAccountRow], ValidationFailed | Forbidden]:
        if not may_list_all(caller):
            # Before the arguments: no argument would make it allowed.
            return Failure(Forbidden())
        first = check_first(query.first)
        after = check_optional_id(query.after)
        match first, after:
            case Success(page_size), Success(cursor):
                return Success(await self._queries.list_after(page_size, cursor))
        return Failure(validation_failed(first, after))

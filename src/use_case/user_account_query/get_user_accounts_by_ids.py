"""Get the live accounts among 1..100 ids that the caller may see, each once, ordered by id."""

from collections.abc import Sequence
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import UserAccountId, ValidationFailed
from use_case.caller import Caller
from use_case.ports import UserAccountQueries, UserAccountRow
from use_case.user_account_access import may_access

MAX_IDS = 100
EMPTY_IDS = "User account IDs list cannot be empty"
TOO_MANY_IDS = f"Cannot query more than {MAX_IDS} user accounts at once"


@dataclass(frozen=True, slots=True)
class GetUserAccountsByIds:
    user_account_ids: Sequence[str]


class GetUserAccountsByIdsUseCase:
    def __init__(self, queries: UserAccountQueries) -> None:
        self._queries = queries

    async def __call__(
        self, caller: Caller, query: GetUserAccountsByIds
    ) -> Result[list[UserAccountRow], ValidationFailed]:
        raw_ids = query.user_account_ids
        # The size of the list as given (duplicates count) is the list's first rule: past it,
        # the ids are not parsed at all, so an oversized list costs nothing more.
        if not raw_ids:
            return Failure(ValidationFailed((EMPTY_IDS,)))
        if len(raw_ids) > MAX_IDS:
            return Failure(ValidationFailed((TOO_MANY_IDS,)))
        parsed = [UserAccountId.parse(raw) for raw in raw_ids]
        # One message per malformed entry, in the order given.
        messages = tuple(each.failure() for each in parsed if isinstance(each, Failure))
        if messages:
            return Failure(ValidationFailed(messages))
        # Ids differing only in case are one id once normalised: each is answered once.
        unique_ids = {each.unwrap() for each in parsed}
        rows = await self._queries.get_many(unique_ids)
        if caller.admin:
            return Success(rows)
        # Others' accounts are left out (SPEC §8.2), as unknown ids are.
        return Success([row for row in rows if may_access(caller, row.owner)])

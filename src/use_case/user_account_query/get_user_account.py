"""Get one live user account by id: None when it is unknown, deleted, or not the caller's to see."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import UserAccountId, ValidationFailed
from use_case.caller import Caller
from use_case.ports import UserAccountQueries, UserAccountRow
from use_case.user_account_access import may_access


@dataclass(frozen=True, slots=True)
class GetUserAccount:
    user_account_id: str


class GetUserAccountUseCase:
    def __init__(self, queries: UserAccountQueries) -> None:
        self._queries = queries

    async def __call__(
        self, caller: Caller, query: GetUserAccount
    ) -> Result[UserAccountRow | None, ValidationFailed]:
        account_id = UserAccountId.parse(query.user_account_id)
        if isinstance(account_id, Failure):
            return Failure(ValidationFailed((account_id.failure(),)))
        row = await self._queries.get(account_id.unwrap())
        # Another's account is treated as absent (SPEC §8.2), indistinguishable from an unknown id.
        return Success(row if row is not None and may_access(caller, row.owner) else None)

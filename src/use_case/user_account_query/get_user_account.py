"""Get one live user account by id: None when it is unknown or deleted."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import UserAccountId, ValidationFailed
from use_case.ports import UserAccountQueries, UserAccountRow


@dataclass(frozen=True, slots=True)
class GetUserAccount:
    user_account_id: str


class GetUserAccountUseCase:
    def __init__(self, queries: UserAccountQueries) -> None:
        self._queries = queries

    async def __call__(
        self, query: GetUserAccount
    ) -> Result[UserAccountRow | None, ValidationFailed]:
        account_id = UserAccountId.parse(query.user_account_id)
        if isinstance(account_id, Failure):
            return Failure(ValidationFailed((account_id.failure(),)))
        return Success(await self._queries.get(account_id.unwrap()))

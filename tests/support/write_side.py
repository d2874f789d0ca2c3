"""Accounts written through the real command use cases into any event store (tests' writer)."""

from domain.user_account import UserAccountId
from infrastructure.clock import SystemClock
from infrastructure.ulid_generator import UlidGenerator
from use_case.caller import Caller
from use_case.ports import Clock, IdGenerator, UserAccountRepository
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccount, DeleteUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase


class WriteSide:
    """create / rename / delete as the Command API runs them (by `caller`: by default, as with
    AUTH_MODE=off); each returns the new version."""

    def __init__(
        self,
        repository: UserAccountRepository,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        caller: Caller | None = None,
    ) -> None:
        self._caller = caller or Caller.admin_without_identity()
        runner = CommandRunner(repository, clock or SystemClock(), ids or UlidGenerator())
        self._create = CreateUserAccountUseCase(runner)
        self._rename = RenameUserAccountUseCase(runner)
        self._delete = DeleteUserAccountUseCase(runner)

    async def create(
        self, first: str = "Taro", last: str = "Yamada", email: str = "taro@example.com"
    ) -> UserAccountId:
        accepted = (
            await self._create(self._caller, CreateUserAccount(first, last, email))
        ).unwrap()
        return UserAccountId(accepted.id)

    async def rename(self, account_id: UserAccountId, first: str, last: str) -> int:
        accepted = (
            await self._rename(self._caller, RenameUserAccount(account_id.value, first, last))
        ).unwrap()
        return accepted.version

    async def delete(self, account_id: UserAccountId) -> int:
        accepted = (await self._delete(self._caller, DeleteUserAccount(account_id.value))).unwrap()
        return accepted.version

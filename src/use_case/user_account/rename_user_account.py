"""Rename an existing, not deleted user account the caller may access."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import Rename, UserAccountId, UserAccountName, ValidationFailed
from use_case.caller import Caller
from use_case.ports import NO_COMMAND_OBSERVER, CommandObserver
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.observed import observed
from use_case.user_account.outcome import CommandAccepted, CommandRejected


@dataclass(frozen=True, slots=True)
class RenameUserAccount:
    user_account_id: str
    first_name: str
    last_name: str


# What the metrics call this use case (commands_total's `command` label).
NAME = "rename_user_account"


class RenameUserAccountUseCase:
    def __init__(
        self, runner: CommandRunner, observer: CommandObserver = NO_COMMAND_OBSERVER
    ) -> None:
        self._runner = runner
        self._observer = observer

    async def __call__(
        self, caller: Caller, cmd: RenameUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        return await observed(self._observer, NAME, self._run(caller, cmd))

    async def _run(
        self, caller: Caller, cmd: RenameUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        account_id = UserAccountId.parse(cmd.user_account_id)
        name = UserAccountName.parse(cmd.first_name, cmd.last_name)
        match account_id, name:
            case Success(valid_id), Success(valid_name):
                return await self._runner.run(caller, valid_id, Rename(valid_name))
        messages = [account_id.failure()] if isinstance(account_id, Failure) else []
        if isinstance(name, Failure):
            messages.extend(name.failure())
        return Failure(ValidationFailed(tuple(messages)))

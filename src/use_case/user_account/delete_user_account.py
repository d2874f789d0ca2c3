"""Delete an existing, not yet deleted user account the caller may access."""

from dataclasses import dataclass

from returns.result import Result

from domain.user_account import Delete
from use_case.caller import Caller
from use_case.ports import NO_COMMAND_OBSERVER, CommandObserver
from use_case.user_account.by_account_id import run_by_account_id
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.observed import observed
from use_case.user_account.outcome import CommandAccepted, CommandRejected


@dataclass(frozen=True, slots=True)
class DeleteUserAccount:
    user_account_id: str


# What the metrics call this use case (commands_total's `command` label).
NAME = "delete_user_account"


class DeleteUserAccountUseCase:
    def __init__(
        self, runner: CommandRunner, observer: CommandObserver = NO_COMMAND_OBSERVER
    ) -> None:
        self._runner = runner
        self._observer = observer

    async def __call__(
        self, caller: Caller, cmd: DeleteUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        run = run_by_account_id(self._runner, caller, cmd.user_account_id, Delete())
        return await observed(self._observer, NAME, run)

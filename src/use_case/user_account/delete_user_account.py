"""Delete an existing, not yet deleted user account the caller may access."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import Delete, UserAccountId, ValidationFailed
from use_case.caller import Caller
from use_case.ports import NO_COMMAND_OBSERVER, CommandObserver
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
        return await observed(self._observer, NAME, self._run(caller, cmd))

    async def _run(
        self, caller: Caller, cmd: DeleteUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        match UserAccountId.parse(cmd.user_account_id):
            case Success(valid_id):
                return await self._runner.run(caller, valid_id, Delete())
            case Failure(message):
                return Failure(ValidationFailed((message,)))
        raise AssertionError("unreachable")  # pragma: no cover

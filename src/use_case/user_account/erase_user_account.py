"""Erase the personal data of an existing user account the caller may access, deleted or not."""

from dataclasses import dataclass

from returns.result import Result

from domain.user_account import Erase
from use_case.caller import Caller
from use_case.ports import NO_COMMAND_OBSERVER, CommandObserver
from use_case.user_account.by_account_id import run_by_account_id
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.observed import observed
from use_case.user_account.outcome import CommandAccepted, CommandRejected


@dataclass(frozen=True, slots=True)
class EraseUserAccount:
    user_account_id: str


# What the metrics call this use case (commands_total's `command` label).
NAME = "erase_user_account"


class EraseUserAccountUseCase:
    """The repository's store of the Erased event does the rest (SPEC §9.4): clear text of an
    earlier version rewritten sealed, the event appended, the account's data key destroyed."""

    def __init__(
        self, runner: CommandRunner, observer: CommandObserver = NO_COMMAND_OBSERVER
    ) -> None:
        self._runner = runner
        self._observer = observer

    async def __call__(
        self, caller: Caller, cmd: EraseUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        run = run_by_account_id(self._runner, caller, cmd.user_account_id, Erase())
        return await observed(self._observer, NAME, run)

"""Create a user account from a name and an email address; its caller becomes its owner."""

from dataclasses import dataclass

from returns.result import Failure, Result, Success

from domain.user_account import Create, EmailAddress, UserAccountName, ValidationFailed
from use_case.caller import Caller
from use_case.ports import NO_COMMAND_OBSERVER, CommandObserver
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.observed import observed
from use_case.user_account.outcome import CommandAccepted, CommandRejected
from use_case.user_account_access import owner_of_new_account


@dataclass(frozen=True, slots=True)
class CreateUserAccount:
    first_name: str
    last_name: str
    email_address: str


# What the metrics call this use case (commands_total's `command` label).
NAME = "create_user_account"


class CreateUserAccountUseCase:
    def __init__(
        self, runner: CommandRunner, observer: CommandObserver = NO_COMMAND_OBSERVER
    ) -> None:
        self._runner = runner
        self._observer = observer

    async def __call__(
        self, caller: Caller, cmd: CreateUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        return await observed(self._observer, NAME, self._run(caller, cmd))

    async def _run(
        self, caller: Caller, cmd: CreateUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        name = UserAccountName.parse(cmd.first_name, cmd.last_name)
        email = EmailAddress.parse(cmd.email_address)
        match name, email:
            case Success(valid_name), Success(valid_email):
                command = Create(valid_name, valid_email, owner_of_new_account(caller))
                account_id = self._runner.new_aggregate_id()
                return await self._runner.run(caller, account_id, command, new=True)
        messages = [*name.failure()] if isinstance(name, Failure) else []
        if isinstance(email, Failure):
            messages.append(email.failure())
        return Failure(ValidationFailed(tuple(messages)))

"""A command that names its account by id alone (delete, erase): the id checked, then run."""

from returns.result import Failure, Result, Success

from domain.user_account import UserAccountCommand, UserAccountId, ValidationFailed
from use_case.caller import Caller
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.outcome import CommandAccepted, CommandRejected


async def run_by_account_id(
    runner: CommandRunner, caller: Caller, raw_id: str, command: UserAccountCommand
) -> Result[CommandAccepted, CommandRejected]:
    """`command` on the account `raw_id` names, or ValidationFailed when it names none."""
    match UserAccountId.parse(raw_id):
        case Success(valid_id):
            return await runner.run(caller, valid_id, command)
        case Failure(message):
            return Failure(ValidationFailed((message,)))
    raise AssertionError("unreachable")  # pragma: no cover

"""observed: a command use case's outcome, reported to its observer on the way out."""

from collections.abc import Awaitable

from returns.result import Failure, Result, Success

from use_case.ports import CommandObserver
from use_case.user_account.outcome import CommandAccepted, CommandRejected

CommandOutcome = Result[CommandAccepted, CommandRejected]


async def observed(
    observer: CommandObserver, command: str, outcome: Awaitable[CommandOutcome]
) -> CommandOutcome:
    """`outcome` once awaited, after telling `observer` how the command `command` ended."""
    try:
        result = await outcome
    except BaseException as error:
        observer.command_raised(command, error)
        raise
    match result:
        case Success(_):
            observer.command_accepted(command)
        case Failure(rejection):
            observer.command_rejected(command, rejection)
    return result

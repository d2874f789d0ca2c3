"""CommandObserver: what the command use cases report as they run (counted by the metrics)."""

from typing import Protocol

from use_case.user_account.outcome import CommandRejected


class CommandObserver(Protocol):
    """Told of every command's outcome and of what the command runner met on the way.

    `command` names the use case (`create_user_account`); implementations keep to cheap,
    synchronous work: they are called on every command.
    """

    def command_accepted(self, command: str) -> None: ...

    def command_rejected(self, command: str, rejection: CommandRejected) -> None: ...

    def command_raised(self, command: str, error: BaseException) -> None:
        """The command ended in an exception (an outage, a bug, or its cancellation)."""
        ...

    def concurrency_conflict(self) -> None:
        """An append met its sequence number taken; the command is decided again."""
        ...

    def aggregate_cache_hit(self) -> None: ...

    def aggregate_cache_miss(self) -> None: ...


class NoCommandObserver:
    """Observes nothing: the default, and what runs with the metrics off."""

    def command_accepted(self, command: str) -> None:
        pass

    def command_rejected(self, command: str, rejection: CommandRejected) -> None:
        pass

    def command_raised(self, command: str, error: BaseException) -> None:
        pass

    def concurrency_conflict(self) -> None:
        pass

    def aggregate_cache_hit(self) -> None:
        pass

    def aggregate_cache_miss(self) -> None:
        pass


NO_COMMAND_OBSERVER = NoCommandObserver()

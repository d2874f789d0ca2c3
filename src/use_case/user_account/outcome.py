"""What a command use case answers: the accepted id and version, or why it was refused."""

from dataclasses import dataclass

from domain.user_account import DomainError


@dataclass(frozen=True, slots=True)
class CommandAccepted:
    """The aggregate's id and its version (sequence number) after the command."""

    id: str
    version: int


@dataclass(frozen=True, slots=True)
class ConcurrencyConflict:
    """The aggregate kept changing under the command after every retry."""

    attempts: int


CommandRejected = DomainError | ConcurrencyConflict

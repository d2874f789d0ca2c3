"""Why a command is refused: facts, not exceptions."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ValidationFailed:
    """The input broke one or more rules; every message, in input order."""

    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotFound:
    """The account was never created."""


@dataclass(frozen=True, slots=True)
class AlreadyDeleted:
    """The account is deleted and accepts no further command."""


@dataclass(frozen=True, slots=True)
class SameName:
    """A rename to the name the account already has."""


@dataclass(frozen=True, slots=True)
class AlreadyCreated:
    """A create for an id that already has events (ids are fresh ULIDs, so only a bug gets here)."""


DomainError = ValidationFailed | NotFound | AlreadyDeleted | SameName | AlreadyCreated

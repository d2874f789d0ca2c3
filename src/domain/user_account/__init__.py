"""The UserAccount aggregate: its value objects, events, states and decisions."""

from domain.user_account.aggregate import decide, evolve, replay
from domain.user_account.commands import Create, Delete, Erase, Rename, UserAccountCommand
from domain.user_account.email_address import EmailAddress
from domain.user_account.errors import (
    AlreadyCreated,
    AlreadyDeleted,
    DomainError,
    NotFound,
    SameName,
    ValidationFailed,
)
from domain.user_account.events import (
    EventMetadata,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountEvent,
    UserAccountRenamed,
)
from domain.user_account.state import (
    ErasedUserAccount,
    NotCreated,
    UserAccount,
    UserAccountState,
)
from domain.user_account.user_account_id import UserAccountId
from domain.user_account.user_account_name import UserAccountName

__all__ = [
    "AlreadyCreated",
    "AlreadyDeleted",
    "Create",
    "Delete",
    "DomainError",
    "EmailAddress",
    "Erase",
    "ErasedUserAccount",
    "EventMetadata",
    "NotCreated",
    "NotFound",
    "Rename",
    "SameName",
    "UserAccount",
    "UserAccountCommand",
    "UserAccountCreated",
    "UserAccountDeleted",
    "UserAccountErased",
    "UserAccountEvent",
    "UserAccountId",
    "UserAccountName",
    "UserAccountRenamed",
    "UserAccountState",
    "ValidationFailed",
    "decide",
    "evolve",
    "replay",
]

"""The states of a UserAccount: not created yet, created (and possibly deleted), or erased."""

from dataclasses import dataclass
from datetime import datetime

from domain.user_account.email_address import EmailAddress
from domain.user_account.user_account_id import UserAccountId
from domain.user_account.user_account_name import UserAccountName


@dataclass(frozen=True, slots=True)
class NotCreated:
    """An id with no events: version 0."""

    id: UserAccountId

    @property
    def version(self) -> int:
        return 0


@dataclass(frozen=True, slots=True)
class UserAccount:
    """A created account; `version` is the sequence number of its latest event."""

    id: UserAccountId
    name: UserAccountName
    email_address: EmailAddress
    created_at: datetime
    updated_at: datetime
    version: int
    # Set once by the Created event and never changed; None: no owner (see UserAccountCreated).
    owner: str | None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class ErasedUserAccount:
    """An account whose personal data is erased: nothing of it is kept but its id, its version
    (the Erased event's) and when it was erased."""

    id: UserAccountId
    version: int
    erased_at: datetime


UserAccountState = NotCreated | UserAccount | ErasedUserAccount

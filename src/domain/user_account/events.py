"""The facts a UserAccount records: Created, Renamed, Deleted and Erased."""

from dataclasses import dataclass
from datetime import datetime

from domain.user_account.email_address import EmailAddress
from domain.user_account.user_account_id import UserAccountId
from domain.user_account.user_account_name import UserAccountName


@dataclass(frozen=True, slots=True)
class EventMetadata:
    """What the caller supplies for a new event: an id and a time, never read inside the domain."""

    event_id: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class UserAccountCreated:
    event_id: str
    aggregate_id: UserAccountId
    seq_nr: int
    occurred_at: datetime
    name: UserAccountName
    email_address: EmailAddress
    # The creator's subject, kept beside the personal data, not in it; None: no owner (created
    # with authentication off, or recorded before owners were).
    owner: str | None


@dataclass(frozen=True, slots=True)
class UserAccountRenamed:
    event_id: str
    aggregate_id: UserAccountId
    seq_nr: int
    occurred_at: datetime
    old_name: UserAccountName
    new_name: UserAccountName


@dataclass(frozen=True, slots=True)
class UserAccountDeleted:
    event_id: str
    aggregate_id: UserAccountId
    seq_nr: int
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class UserAccountErased:
    """The account's personal data is erased (SPEC §9.4): the last event of its history."""

    event_id: str
    aggregate_id: UserAccountId
    seq_nr: int
    occurred_at: datetime


UserAccountEvent = UserAccountCreated | UserAccountRenamed | UserAccountDeleted | UserAccountErased

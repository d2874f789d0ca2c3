"""The user-account workload written idiomatically with the `eventsourcing` library (9.5.x).

The baseline of scenario 8: an `Aggregate` whose `@event` methods record `Created` and `Renamed`
events carrying the same fields as the project's (first and last name and email address; old and
new name), the same input rules as SPEC §2 (trimming, empty → invalid characters → too long →
format, every message reported) and the same refusals (deleted account, same name), in an
`Application` on the library's default in-memory (POPO) store. Refusals are exceptions, as the
library's examples do it; the library itself supplies ids (UUIDs), versions and timestamps.
"""

import re
from typing import ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

MAX_NAME_LENGTH = 256
MAX_EMAIL_LENGTH = 100
_EMAIL_PATTERN = re.compile(r"[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}")
# General categories Cc and Cs, tested in C as the project does (its cost is not what is compared).
_FORBIDDEN_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class InvalidInputError(ValueError):
    """The input broke one or more rules; `messages` lists every one, in input order."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(", ".join(messages))
        self.messages = messages


class AlreadyDeletedError(Exception):
    """The account is deleted and accepts no further command."""


class SameNameError(Exception):
    """A rename to the name the account already has."""


def _text_error(value: str, field: str, max_length: int) -> str | None:
    if not value:
        return f"{field} cannot be empty"
    if _FORBIDDEN_CHARACTER.search(value) is not None:
        return f"{field} contains invalid characters"
    if len(value) > max_length:
        return f"{field} is too long"
    return None


def _email_error(value: str) -> str | None:
    if not value:
        return "Email address cannot be empty"
    if _FORBIDDEN_CHARACTER.search(value) is not None:
        return "Email address contains invalid characters"
    if len(value) > MAX_EMAIL_LENGTH:
        return f"Email address is too long: {len(value)} characters (max 100 characters)"
    if _EMAIL_PATTERN.fullmatch(value) is None:
        return "Invalid email format"
    return None


def _name_messages(first: str, last: str) -> list[str]:
    errors = [
        _text_error(first, "First name", MAX_NAME_LENGTH),
        _text_error(last, "Last name", MAX_NAME_LENGTH),
    ]
    return [message for message in errors if message is not None]


class UserAccount(Aggregate):
    """A user account; `version` (from the library) numbers its events 1, 2, 3 …"""

    @event("Created")
    def __init__(self, first_name: str, last_name: str, email_address: str) -> None:
        self.first_name = first_name
        self.last_name = last_name
        self.email_address = email_address
        self.deleted = False

    def rename(self, first_name: str, last_name: str) -> None:
        if self.deleted:
            raise AlreadyDeletedError
        if (first_name, last_name) == (self.first_name, self.last_name):
            raise SameNameError
        self._renamed(self.first_name, self.last_name, first_name, last_name)

    @event("Renamed")
    def _renamed(
        self, old_first_name: str, old_last_name: str, new_first_name: str, new_last_name: str
    ) -> None:
        self.first_name = new_first_name
        self.last_name = new_last_name


class UserAccounts(Application[UUID]):
    """Create and rename user accounts, stored in the library's in-memory event store."""

    env: ClassVar[dict[str, str]] = {"PERSISTENCE_MODULE": "eventsourcing.popo"}

    def create_user_account(self, first_name: str, last_name: str, email_address: str) -> UUID:
        first, last, email = first_name.strip(), last_name.strip(), email_address.strip()
        messages = _name_messages(first, last)
        email_message = _email_error(email)
        if email_message is not None:
            messages.append(email_message)
        if messages:
            raise InvalidInputError(messages)
        account = UserAccount(first, last, email)
        self.save(account)
        return account.id

    def rename_user_account(self, account_id: UUID, first_name: str, last_name: str) -> int:
        first, last = first_name.strip(), last_name.strip()
        messages = _name_messages(first, last)
        if messages:
            raise InvalidInputError(messages)
        account: UserAccount = self.repository.get(account_id)
        account.rename(first, last)
        self.save(account)
        return account.version

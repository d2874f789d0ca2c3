"""What can be asked of a UserAccount, in validated terms."""

from dataclasses import dataclass

from domain.user_account.email_address import EmailAddress
from domain.user_account.user_account_name import UserAccountName


@dataclass(frozen=True, slots=True)
class Create:
    name: UserAccountName
    email_address: EmailAddress
    # Who creates the account becomes its owner; None: no one (authentication is off).
    owner: str | None


@dataclass(frozen=True, slots=True)
class Rename:
    new_name: UserAccountName


@dataclass(frozen=True, slots=True)
class Delete:
    pass


@dataclass(frozen=True, slots=True)
class Erase:
    """Erase the account's personal data (SPEC §9.4): allowed deleted or not, final."""


UserAccountCommand = Create | Rename | Delete | Erase

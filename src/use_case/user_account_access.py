"""Who may do what with user accounts (SPEC §8.2): the one place every use case asks.

Facts of the request (who asks, admin or not), not of the aggregate, which only records its owner.
"""

from dataclasses import dataclass

from returns.result import Failure

from domain.user_account import (
    EventMetadata,
    NotFound,
    UserAccount,
    UserAccountCommand,
    UserAccountState,
    decide,
)
from domain.user_account.aggregate import Decision
from use_case.caller import Caller


@dataclass(frozen=True, slots=True)
class Forbidden:
    """The operation is for administrators only (listing and searching every account)."""


def owner_of_new_account(caller: Caller) -> str | None:
    """The caller's subject owns what it creates; without an identity (authentication off), no
    one does. An empty subject is no identity: it would read back as no owner."""
    return caller.subject or None


def may_access(caller: Caller, owner: str | None) -> bool:
    """Whether `caller` may see and change an account owned by `owner`: its owner or an admin.
    An account without an owner is an admin's business only."""
    return caller.admin or (owner is not None and owner == caller.subject)


def may_list_all(caller: Caller) -> bool:
    """Whether `caller` may list or search every account: admins only."""
    return caller.admin


def decide_as(
    caller: Caller, state: UserAccountState, command: UserAccountCommand, meta: EventMetadata
) -> Decision:
    """`decide`, after the rule of §8.2's order that comes between validation and the domain's
    own checks: an account `caller` may not access is not found (deleted or not)."""
    if isinstance(state, UserAccount) and not may_access(caller, state.owner):
        return Failure(NotFound())
    return decide(state, command, meta)

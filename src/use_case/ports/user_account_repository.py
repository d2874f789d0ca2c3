"""UserAccountRepository: loads aggregate states and appends their events atomically."""

from collections.abc import Sequence
from typing import Protocol

from domain.user_account import UserAccountEvent, UserAccountId, UserAccountState


class ConcurrencyConflictError(Exception):
    """Another writer appended to the aggregate since it was loaded (a stale expected version)."""

    def __init__(self, aggregate_id: UserAccountId, expected_version: int) -> None:
        super().__init__(f"{aggregate_id} is no longer at version {expected_version}")
        self.aggregate_id = aggregate_id
        self.expected_version = expected_version


class UserAccountRepository(Protocol):
    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        """The latest state: `NotCreated` for an id with no events."""
        ...

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        """Append `events` (one aggregate, consecutive from `expected_version + 1`) all or nothing.

        Raises `ConcurrencyConflictError` when the aggregate is no longer at `expected_version`.
        When to snapshot is the repository's own policy. Storing an erasure (its last event a
        `UserAccountErased`) also removes what is readable of the account's personal data: the
        clear text an earlier version wrote is sealed, then the data key destroyed (SPEC §9.4).
        """
        ...

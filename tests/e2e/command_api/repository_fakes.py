"""Repositories that misbehave on purpose: in conflict, failing, or holding every id."""

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.user_account import (
    EmailAddress,
    NotCreated,
    UserAccount,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountState,
)
from use_case.ports import ConcurrencyConflictError


class AlwaysConflictingRepository:
    """Every append finds that someone else wrote first."""

    def __init__(self) -> None:
        self.store_attempts = 0

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        return NotCreated(aggregate_id)

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        self.store_attempts += 1
        raise ConcurrencyConflictError(events[0].aggregate_id, expected_version)


class BrokenRepository:
    """Every load fails the way a driver does, with text that must never reach a client."""

    SECRET = "botocore: could not connect to https://internal.example:4566 (password=hunter2)"

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        raise ConnectionError(self.SECRET)

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        raise ConnectionError(self.SECRET)


class EverythingExistsRepository:
    """Every id loads as an existing account; nothing can be stored."""

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        return UserAccount(
            id=aggregate_id,
            name=UserAccountName("Taro", "Yamada"),
            email_address=EmailAddress("taro@example.com"),
            created_at=now,
            updated_at=now,
            version=1,
            owner=None,
        )

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        raise AssertionError("nothing may be stored")

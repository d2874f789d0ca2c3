"""UserAccountReadModel: the queryable rows of user accounts, written by the projection."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.user_account import UserAccountId


@dataclass(frozen=True, slots=True)
class UserAccountRow:
    """One account as queries see it; a deleted account stays as a tombstone (`deleted_at` set)."""

    id: UserAccountId
    first_name: str
    last_name: str
    email_address: str
    created_at: datetime
    updated_at: datetime
    version: int
    # The account's owner (its creator's subject); None: no owner (see UserAccountCreated).
    owner: str | None
    deleted_at: datetime | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class RowChange:
    """Write `row`, provided the stored row is still at `expected_version` (0: no row yet)."""

    row: UserAccountRow
    expected_version: int


class ReadModelConflictError(Exception):
    """Some rows were no longer at their expected version: another writer got there first."""

    def __init__(self, ids: Collection[UserAccountId]) -> None:
        super().__init__(f"rows changed under the projection: {', '.join(map(str, sorted(ids)))}")
        self.ids = frozenset(ids)


class UserAccountRowStore(Protocol):
    """The projection's side: whole rows, tombstones included, read and written in batches."""

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        """The stored rows of `ids`, tombstones included; ids without a row are absent."""
        ...

    async def save_rows(self, changes: Sequence[RowChange]) -> None:
        """Write every change (at most one per id) in one transaction, all or nothing.

        Raises `ReadModelConflictError` naming the rows whose stored version is not the expected
        one (a row that exists when 0 was expected included); then nothing is written.
        """
        ...


class UserAccountQueries(Protocol):
    """The Query API's side: live accounts only (tombstones are never returned), ordered by id."""

    async def get(self, account_id: UserAccountId) -> UserAccountRow | None: ...

    async def list_after(self, first: int, after: UserAccountId | None) -> list[UserAccountRow]:
        """Up to `first` accounts with ids greater than `after` (all when None)."""
        ...

    async def get_many(self, ids: Collection[UserAccountId]) -> list[UserAccountRow]:
        """The accounts among `ids`, each once."""
        ...

    async def search(self, term: str, first: int) -> list[UserAccountRow]:
        """Up to `first` accounts whose first name, last name or full name contains `term`,
        compared case-insensitively; every character of `term` matches literally (`%`, `_`
        and `\\` included). The caller trims and validates `term`."""
        ...


class UserAccountReadModel(UserAccountRowStore, UserAccountQueries, Protocol):
    """Both sides, as one adapter implements them."""

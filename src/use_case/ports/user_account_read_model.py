"""UserAccountReadModel: the queryable rows of user accounts, written by the projection."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.user_account import UserAccountId


@dataclass(frozen=True, slots=True)
class UserAccountRow:
    """One account as the read model keeps it. A deleted account stays as a tombstone
    (`deleted_at` set). A row without personal data (its events' data key is gone) holds only its
    id and version, and once erased (SPEC §9.4) its erasure time too: every other field is None.
    Queries serve only rows that hold personal data and are neither deleted nor erased."""

    id: UserAccountId
    first_name: str | None
    last_name: str | None
    email_address: str | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int
    # The account's owner (its creator's subject); None: no owner (see UserAccountCreated).
    owner: str | None
    deleted_at: datetime | None = None
    erased_at: datetime | None = None

    @property
    def full_name(self) -> str | None:
        if self.first_name is None or self.last_name is None:
            return None
        return f"{self.first_name} {self.last_name}"

    @property
    def holds_personal_data(self) -> bool:
        return self.email_address is not None

    @property
    def served(self) -> bool:
        """Whether queries may return the row: live, with its personal data."""
        return self.deleted_at is None and self.erased_at is None and self.holds_personal_data


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
    """The Query API's side: served rows only (see UserAccountRow: never a tombstone, an erased
    row or one without personal data), ordered by id."""

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

"""InMemoryUserAccountReadModel: the read model in a dict, for tests and in-memory mode."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import islice

from domain.user_account import UserAccountId
from interface_adapter.read_model.row_changes import reject_duplicate_ids
from use_case.ports import ReadModelConflictError, RowChange, UserAccountRow


class InMemoryUserAccountReadModel:
    """Rows by id, tombstones included; queries behave as the PostgreSQL adapter's do."""

    def __init__(self) -> None:
        self._rows: dict[UserAccountId, UserAccountRow] = {}

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        return {
            account_id: self._rows[account_id] for account_id in ids if account_id in self._rows
        }

    async def save_rows(self, changes: Sequence[RowChange]) -> None:
        reject_duplicate_ids(changes)
        # Check everything before writing anything: all or nothing, like the transaction.
        conflicts = [
            change.row.id
            for change in changes
            if self._version_of(change.row.id) != change.expected_version
        ]
        if conflicts:
            raise ReadModelConflictError(conflicts)
        for change in changes:
            self._rows[change.row.id] = change.row

    async def get(self, account_id: UserAccountId) -> UserAccountRow | None:
        row = self._rows.get(account_id)
        return row if row is not None and row.deleted_at is None else None

    async def list_after(self, first: int, after: UserAccountId | None) -> list[UserAccountRow]:
        rows = (row for row in self._live_rows_by_id() if after is None or row.id > after)
        return _take(rows, first)

    async def get_many(self, ids: Collection[UserAccountId]) -> list[UserAccountRow]:
        wanted = set(ids)
        return [row for row in self._live_rows_by_id() if row.id in wanted]

    async def search(self, term: str, first: int) -> list[UserAccountRow]:
        needle = fold_case(term)
        # A substring of either name is a substring of the full name: one test covers all three.
        matches = (row for row in self._live_rows_by_id() if needle in fold_case(row.full_name))
        return _take(matches, first)

    def _version_of(self, account_id: UserAccountId) -> int:
        row = self._rows.get(account_id)
        return 0 if row is None else row.version

    def _live_rows_by_id(self) -> list[UserAccountRow]:
        return sorted((row for row in self._rows.values() if row.deleted_at is None), key=_by_id)


def fold_case(text: str) -> str:
    """Lower case one code point at a time, as PostgreSQL's builtin C.UTF-8 locale does for ILIKE.

    Not `str.lower()`: it lowers a word-final capital sigma to the final form U+03C2 (PostgreSQL:
    U+03C3) and U+0130 (capital I with dot) to two code points. Not `str.casefold()`: it folds
    U+00DF (sharp s) to "ss" and U+017F (long s) to "s", where PostgreSQL keeps both.
    """
    return "".join(_lower_code_point(char) for char in text)


def _lower_code_point(char: str) -> str:
    lowered = char.lower()
    # Only U+0130 (İ) lowers to more than one code point; its simple mapping is the first one.
    return lowered[0] if lowered else char


def _by_id(row: UserAccountRow) -> UserAccountId:
    return row.id


def _take(rows: Iterable[UserAccountRow], first: int) -> list[UserAccountRow]:
    return list(islice(rows, first))

"""InMemoryUserAccountReadModel: the read model in a dict, for tests and in-memory mode."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import islice
from operator import itemgetter
from typing import Final

from domain.user_account import UserAccountId
from infrastructure.prefix_sharded_dict import PrefixShardedDict
from interface_adapter.read_model.row_changes import reject_duplicate_ids
from use_case.ports import ReadModelConflictError, RowChange, UserAccountRow

# A row's fields, in UserAccountRow's order, the id as its text: a tuple of strings, ints and
# datetimes is not tracked by the garbage collector (see event_store/in_memory_records.py).
_RowRecord = tuple[
    str,
    str | None,
    str | None,
    str | None,
    datetime | None,
    datetime | None,
    int,
    str | None,
    datetime | None,
    datetime | None,
]


def _record(row: UserAccountRow) -> _RowRecord:
    return (
        row.id.value,
        row.first_name,
        row.last_name,
        row.email_address,
        row.created_at,
        row.updated_at,
        row.version,
        row.owner,
        row.deleted_at,
        row.erased_at,
    )


def _row(record: _RowRecord) -> UserAccountRow:
    (
        account_id,
        first,
        last,
        email,
        created_at,
        updated_at,
        version,
        owner,
        deleted_at,
        erased_at,
    ) = record
    return UserAccountRow(
        UserAccountId(account_id),
        first,
        last,
        email,
        created_at,
        updated_at,
        version,
        owner,
        deleted_at,
        erased_at,
    )


_EMAIL_ADDRESS: Final = 3
_VERSION: Final = 6
_DELETED_AT: Final = 8
_ERASED_AT: Final = 9


def _served(record: _RowRecord) -> bool:
    """As UserAccountRow.served: live, with its personal data."""
    return (
        record[_DELETED_AT] is None
        and record[_ERASED_AT] is None
        and record[_EMAIL_ADDRESS] is not None
    )


class InMemoryUserAccountReadModel:
    """Rows by id, tombstones and erased rows included; queries behave as the PostgreSQL
    adapter's do (served rows only). Rows are kept as flat records in shards by the id's time
    (PrefixShardedDict), out of the garbage collector's way."""

    def __init__(self) -> None:
        self._rows: PrefixShardedDict[_RowRecord] = PrefixShardedDict()

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        rows = self._rows
        return {
            account_id: _row(rows[account_id.value])
            for account_id in ids
            if account_id.value in rows
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
            self._rows[change.row.id.value] = _record(change.row)

    async def get(self, account_id: UserAccountId) -> UserAccountRow | None:
        record = self._rows.get(account_id.value)
        return _row(record) if record is not None and _served(record) else None

    async def list_after(self, first: int, after: UserAccountId | None) -> list[UserAccountRow]:
        rows = (row for row in self._live_rows_by_id() if after is None or row.id > after)
        return _take(rows, first)

    async def get_many(self, ids: Collection[UserAccountId]) -> list[UserAccountRow]:
        wanted = set(ids)
        return [row for row in self._live_rows_by_id() if row.id in wanted]

    async def search(self, term: str, first: int) -> list[UserAccountRow]:
        needle = fold_case(term)
        # A substring of either name is a substring of the full name: one test covers all three.
        matches = (
            row for row in self._live_rows_by_id() if needle in fold_case(row.full_name or "")
        )
        return _take(matches, first)

    def _version_of(self, account_id: UserAccountId) -> int:
        record = self._rows.get(account_id.value)
        return 0 if record is None else record[_VERSION]

    def _live_rows_by_id(self) -> list[UserAccountRow]:
        live = sorted(
            (record for record in self._rows.values() if _served(record)),
            key=itemgetter(0),
        )
        return [_row(record) for record in live]


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


def _take(rows: Iterable[UserAccountRow], first: int) -> list[UserAccountRow]:
    return list(islice(rows, first))

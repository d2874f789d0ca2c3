"""A read-model row as the columns of its table, in the one place the rebuild names them: every
field of UserAccountRow is a column of the same name."""

import dataclasses
from datetime import datetime
from typing import Any

import asyncpg

from domain.user_account import UserAccountId
from use_case.ports import UserAccountRow

COLUMNS: tuple[str, ...] = tuple(field.name for field in dataclasses.fields(UserAccountRow))
COLUMN_LIST = ", ".join(COLUMNS)


def row_document(row: UserAccountRow) -> dict[str, Any]:
    """`row` as a JSON object keyed by column (jsonb_populate_record reads it with the table's
    own column types)."""
    return {name: _json_value(getattr(row, name)) for name in COLUMNS}


def row_of(record: asyncpg.Record) -> UserAccountRow:
    """The row of a record holding every column."""
    values = {name: record[name] for name in COLUMNS}
    values["id"] = UserAccountId(values["id"])
    return UserAccountRow(**values)


def _json_value(value: object) -> object:
    if isinstance(value, UserAccountId):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value

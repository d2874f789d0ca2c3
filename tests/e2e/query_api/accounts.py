"""Read-model rows for Query API tests: ids that sort by number, fixed times, seeding."""

from datetime import UTC, datetime, timedelta

from domain.user_account import UserAccountId
from tests.support.strategies import CROCKFORD
from use_case.ports import RowChange, UserAccountRow, UserAccountRowStore

START = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
# Ids carry letters, so that lower-case input and normalisation are exercised.
_ID_PREFIX = "01KB"


def account_id(number: int) -> str:
    """A valid upper-case ULID; ids sort as their numbers do."""
    digits = []
    for _ in range(26 - len(_ID_PREFIX)):
        number, digit = divmod(number, 32)
        digits.append(CROCKFORD[digit])
    return _ID_PREFIX + "".join(reversed(digits))


def account_row(
    number: int,
    first_name: str = "Taro",
    last_name: str = "Yamada",
    *,
    version: int = 1,
    deleted: bool = False,
    created_at: datetime | None = None,
    owner: str | None = None,
) -> UserAccountRow:
    created = created_at or START + timedelta(seconds=number)
    updated = created + timedelta(minutes=version - 1)
    return UserAccountRow(
        id=UserAccountId(account_id(number)),
        first_name=first_name,
        last_name=last_name,
        email_address=f"user{number}@example.com",
        created_at=created,
        updated_at=updated,
        version=version,
        owner=owner,
        deleted_at=updated if deleted else None,
    )


async def seed(store: UserAccountRowStore, *rows: UserAccountRow) -> None:
    """Write new rows (none of them may exist yet) in one batch."""
    await store.save_rows([RowChange(row, 0) for row in rows])

"""The rebuild's pieces without I/O: rows as columns, a page's items decoded with their keys,
the Scan's pages with the next one asked for early, BatchGetItem's unprocessed keys, the indexes
matched across tables, and the command line's misuse."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from apps.admin.__main__ import build_parser
from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from infrastructure.crypto import WrappedKey
from interface_adapter.event_store.journal_item import to_journal_item
from interface_adapter.personal_data.batched_key_lookup import BatchedKeyLookup, one_find_each
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.rebuild.journal_segments import (
    UndecodableJournalItemError,
    decode_items,
    scan_pages,
    segment_request,
)
from interface_adapter.rebuild.row_columns import COLUMNS, row_document
from interface_adapter.rebuild.shadow_table import _count, _index_renames
from use_case.ports import ErasedPersonalData, UserAccountRow

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, 3, 4, 5, tzinfo=UTC)
ALICE = UserAccountId("01JD0000000000000000000001")
BOB = UserAccountId("01JD0000000000000000000002")


def created(account_id: UserAccountId) -> UserAccountCreated:
    return UserAccountCreated(
        "e1",
        account_id,
        1,
        T0,
        UserAccountName("Ann", "Lee"),
        EmailAddress("ann@example.com"),
        "owner",
    )


def test_every_field_of_a_row_is_a_column_of_the_same_name() -> None:
    row = UserAccountRow(ALICE, "Ann", "Lee", "ann@example.com", T0, T0, 3, None, T0)
    document = row_document(row)
    assert tuple(document) == COLUMNS
    assert COLUMNS[0] == "id"
    assert (document["id"], document["version"], document["deleted_at"]) == (
        ALICE.value,
        3,
        T0.isoformat(),
    )


async def test_a_pages_items_decode_with_their_accounts_keys_and_without_one_as_erased() -> None:
    keys = InMemoryDataKeys()
    alice_key = await keys.create(ALICE.value)
    rename = UserAccountRenamed(
        "e2", ALICE, 2, T0, UserAccountName("Ann", "Lee"), UserAccountName("Ann", "Ray")
    )
    items = [
        to_journal_item(created(ALICE), alice_key),
        to_journal_item(rename, alice_key),
        to_journal_item(created(BOB), b"\x07" * 32),  # Bob's key is gone
    ]
    events = await decode_items(items, one_find_each(keys))
    assert events[:2] == [created(ALICE), rename]
    assert isinstance(events[2], ErasedPersonalData)
    assert (events[2].aggregate_id, events[2].seq_nr) == (BOB, 1)


async def test_an_item_that_does_not_decode_stops_the_rebuild_naming_it() -> None:
    keys = InMemoryDataKeys()
    item = to_journal_item(created(ALICE), await keys.create(ALICE.value))
    broken = {**item, "payload": {"B": b"not an envelope"}}
    with pytest.raises(UndecodableJournalItemError, match=f"UserAccount-{ALICE.value} #1"):
        await decode_items([broken], one_find_each(keys))
    foreign = {**item, "pkey": {"S": f"UserAccount-{BOB.value}"}}
    with pytest.raises(UndecodableJournalItemError, match="is an event of"):
        await decode_items([foreign], one_find_each(keys))


class PagedClient:
    """Scan pages of `pages` in order; records each request's start key."""

    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self._pages = pages
        self.starts: list[Any] = []

    async def scan(self, **request: Any) -> dict[str, Any]:
        start = request.get("ExclusiveStartKey")
        self.starts.append(start)
        index = 0 if start is None else start["page"] + 1
        answer: dict[str, Any] = {"Items": self._pages[index]}
        if index + 1 < len(self._pages):
            answer["LastEvaluatedKey"] = {"page": index}
        return answer


async def test_pages_follow_each_others_keys_and_the_next_is_asked_for_early() -> None:
    client = PagedClient([[{"n": 1}], [{"n": 2}], [{"n": 3}]])
    request = segment_request("journal", 1, 4, None)
    assert (request["Segment"], request["TotalSegments"], request["ConsistentRead"]) == (1, 4, True)
    seen = []
    async for page in scan_pages(client, request):  # type: ignore[arg-type]
        await asyncio.sleep(0)  # this page being applied: the next page's Scan is under way
        seen.append((page.items, page.last_evaluated_key, len(client.starts)))
    assert seen == [
        ([{"n": 1}], {"page": 0}, 2),
        ([{"n": 2}], {"page": 1}, 3),
        ([{"n": 3}], None, 3),
    ]
    resumed = segment_request("journal", 1, 4, {"page": 0})
    assert [page.items async for page in scan_pages(client, resumed)] == [[{"n": 2}], [{"n": 3}]]  # type: ignore[arg-type]


class KeyTable:
    """BatchGetItem that leaves every other key unprocessed the first time it is asked."""

    def __init__(self, items: dict[str, dict[str, Any]]) -> None:
        self._items = items
        self.calls = 0

    async def batch_get_item(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        [(table, ask)] = request["RequestItems"].items()
        wanted = [key["pkey"]["S"] for key in ask["Keys"]]
        now, later = (wanted[::2], wanted[1::2]) if self.calls == 1 else (wanted, [])
        answer: dict[str, Any] = {
            "Responses": {table: [self._items[i] for i in now if i in self._items]}
        }
        if later:
            answer["UnprocessedKeys"] = {
                table: {"Keys": [{"pkey": {"S": i}} for i in later], "ConsistentRead": True}
            }
        return answer


class PlainWrapper:
    async def ready(self) -> None: ...

    async def wrap(self, key: bytes, context: Any) -> WrappedKey:
        return WrappedKey(key, f"plain:{context['account_id']}")

    async def unwrap(self, wrapped: WrappedKey, context: Any) -> bytes:
        assert wrapped.wrapped_by == f"plain:{context['account_id']}"
        return wrapped.blob


async def test_batched_keys_retry_the_unprocessed_and_answer_none_for_a_missing_key() -> None:
    ids = [f"01JD00000000000000000000{n:02d}" for n in range(10)]
    table = KeyTable(
        {
            i: {
                "pkey": {"S": i},
                "wrapped_key": {"B": i.encode()},
                "wrapped_by": {"S": f"plain:{i}"},
            }
            for i in ids[:9]
        }
    )
    keys = await BatchedKeyLookup(table, "keys", PlainWrapper())(ids)
    assert keys == {**{i: i.encode() for i in ids[:9]}, ids[9]: None}
    assert table.calls == 2


def _index(name: str, table: str, rest: str, unique: str = "") -> dict[str, str]:
    return {"name": name, "definition": f"CREATE {unique}INDEX {name} ON public.{table} {rest}"}


def test_the_swapped_in_tables_indexes_take_the_live_ones_names() -> None:
    trigrams = "USING gin (x gin_trgm_ops) WHERE (deleted_at IS NULL)"
    by_id = "USING btree (id)"
    live = [
        _index("user_accounts_pkey", "user_accounts", by_id, "UNIQUE "),
        _index("user_accounts_full_name_trgm_idx", "user_accounts", trigrams),
    ]
    shadow = [
        _index("user_accounts_rebuild_pkey", "user_accounts_rebuild", by_id, "UNIQUE "),
        _index("user_accounts_rebuild_expr_idx", "user_accounts_rebuild", trigrams),
        _index("user_accounts_rebuild_owner_idx", "user_accounts_rebuild", "USING btree (owner)"),
    ]
    assert _index_renames(live, shadow) == [  # type: ignore[arg-type]
        ("user_accounts_rebuild_pkey", "user_accounts_pkey"),
        ("user_accounts_rebuild_expr_idx", "user_accounts_full_name_trgm_idx"),
    ]
    assert _count("INSERT 0 12") == 12


@pytest.mark.parametrize(
    "argv",
    [
        ["rebuild-read-model", "--segments", "0"],
        ["rebuild-read-model", "--segments", "many"],
        ["rebuild-read-model", "--segments", "1001"],
        ["rebuild-read-model", "--resume", "yes"],
        ["rebuild-read-model", "--page-size", "0"],
    ],
)
def test_rebuild_misuse_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_rebuild_parses() -> None:
    args = build_parser().parse_args(["rebuild-read-model", "--segments", "8", "--resume"])
    assert (args.segments, args.resume, args.json) == (8, True, False)
    default = build_parser().parse_args(["rebuild-read-model"])
    assert (default.segments, default.page_size) == (None, None)
    assert build_parser().parse_args(["rebuild-read-model", "--page-size", "200"]).page_size == 200
    assert segment_request("journal", 0, 2, None, 200)["Limit"] == 200
    assert "Limit" not in segment_request("journal", 0, 2, None)

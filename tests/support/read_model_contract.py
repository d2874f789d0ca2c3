"""ReadModelContract: the behaviour every UserAccountReadModel adapter must show.

A test module subclasses it and provides the `read_model` fixture (empty); the in-memory and the
PostgreSQL adapters run the same tests.
"""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.user_account import UserAccountId
from use_case.ports import ReadModelConflictError, RowChange, UserAccountReadModel, UserAccountRow

_START = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
# Letters that look like ASCII ones, spelled by name.
_SMALL_SIGMA = "\N{GREEK SMALL LETTER SIGMA}"
_CAPITAL_SIGMA = "\N{GREEK CAPITAL LETTER SIGMA}"
_LONG_S = "\N{LATIN SMALL LETTER LONG S}"


def account_id(number: int) -> UserAccountId:
    """A valid id that sorts by `number` (digits are Crockford base32 too)."""
    return UserAccountId(f"{number:026d}")


def row(
    number: int,
    first_name: str = "Taro",
    last_name: str = "Yamada",
    *,
    version: int = 1,
    deleted: bool = False,
    owner: str | None = "auth0|taro",
) -> UserAccountRow:
    created_at = _START + timedelta(seconds=number)
    updated_at = created_at + timedelta(microseconds=version - 1)
    return UserAccountRow(
        id=account_id(number),
        first_name=first_name,
        last_name=last_name,
        email_address=f"user{number}@example.com",
        created_at=created_at,
        updated_at=updated_at,
        version=version,
        owner=owner,
        deleted_at=updated_at if deleted else None,
    )


def erased_row(number: int, version: int = 4) -> UserAccountRow:
    """What is left of an erased account: id, version and erasure time."""
    at = _START + timedelta(days=number)
    return UserAccountRow(account_id(number), None, None, None, None, None, version, None, None, at)


def emptied_row(number: int, version: int = 2) -> UserAccountRow:
    """A row whose events' data key is gone (its erasure on its way): id and version only."""
    return UserAccountRow(account_id(number), None, None, None, None, None, version, None)


def new(*rows: UserAccountRow) -> list[RowChange]:
    return [RowChange(each, 0) for each in rows]


def ids_of(rows: list[UserAccountRow]) -> list[int]:
    return [int(each.id.value) for each in rows]


class ReadModelContract:
    @pytest.fixture
    def read_model(self) -> UserAccountReadModel:
        raise NotImplementedError("a subclass provides an empty read model")

    # --- the projection's side: load_rows / save_rows -----------------------------------------

    async def test_saved_rows_load_back_exactly(self, read_model: UserAccountReadModel) -> None:
        rows = [row(1, "山田", "太郎"), row(2, "Ann", "Lee", version=3, deleted=True)]
        await read_model.save_rows(new(*rows))

        loaded = await read_model.load_rows([account_id(1), account_id(2), account_id(3)])

        assert loaded == {each.id: each for each in rows}
        assert loaded[account_id(1)].created_at.tzinfo is not None

    async def test_owners_load_back_exactly_none_included(
        self, read_model: UserAccountReadModel
    ) -> None:
        rows = [row(1, owner="山田|🎉 subject"), row(2, owner=None), row(3, deleted=True)]
        await read_model.save_rows(new(*rows))

        loaded = await read_model.load_rows([account_id(1), account_id(2), account_id(3)])

        assert {key: each.owner for key, each in loaded.items()} == {
            account_id(1): "山田|🎉 subject",
            account_id(2): None,
            account_id(3): "auth0|taro",
        }

    async def test_queries_answer_the_owner(self, read_model: UserAccountReadModel) -> None:
        await read_model.save_rows(new(row(1, owner="alice"), row(2, owner=None)))

        assert (await read_model.get(account_id(1))) == row(1, owner="alice")
        assert [each.owner for each in await read_model.list_after(10, None)] == ["alice", None]
        assert [each.owner for each in await read_model.get_many([account_id(2)])] == [None]
        assert [each.owner for each in await read_model.search("Taro", 10)] == ["alice", None]

    async def test_load_rows_of_nothing_is_empty(self, read_model: UserAccountReadModel) -> None:
        assert await read_model.load_rows([]) == {}

    async def test_a_change_applies_at_the_expected_version(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(row(1)))
        renamed = row(1, "Jiro", "Sato", version=2)
        deleted = replace(renamed, version=3, deleted_at=_START + timedelta(days=1))

        await read_model.save_rows([RowChange(renamed, 1)])
        await read_model.save_rows([RowChange(deleted, 2)])

        assert await read_model.load_rows([account_id(1)]) == {account_id(1): deleted}

    async def test_an_existing_row_expected_absent_is_a_conflict(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(row(1)))

        with pytest.raises(ReadModelConflictError) as raised:
            await read_model.save_rows(new(row(1, "Other")))

        assert raised.value.ids == {account_id(1)}
        assert (await read_model.load_rows([account_id(1)]))[account_id(1)] == row(1)

    @pytest.mark.parametrize("expected_version", [0, 2, 5])
    async def test_a_stale_expected_version_is_a_conflict(
        self, read_model: UserAccountReadModel, expected_version: int
    ) -> None:
        await read_model.save_rows(new(row(1)))
        await read_model.save_rows([RowChange(row(1, version=3), 1)])

        with pytest.raises(ReadModelConflictError):
            await read_model.save_rows([RowChange(row(1, "X", version=4), expected_version)])

        assert (await read_model.load_rows([account_id(1)]))[account_id(1)] == row(1, version=3)

    async def test_a_change_of_a_missing_row_is_a_conflict(
        self, read_model: UserAccountReadModel
    ) -> None:
        with pytest.raises(ReadModelConflictError):
            await read_model.save_rows([RowChange(row(1, version=2), 1)])

        assert await read_model.load_rows([account_id(1)]) == {}

    async def test_a_conflict_writes_nothing_of_the_batch(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(row(1), row(2)))
        batch = [
            RowChange(row(1, "New", version=2), 1),  # fine
            RowChange(row(3), 0),  # fine
            RowChange(row(2, "Stale", version=3), 2),  # row 2 is at version 1
        ]

        with pytest.raises(ReadModelConflictError) as raised:
            await read_model.save_rows(batch)

        assert raised.value.ids == {account_id(2)}
        stored = await read_model.load_rows([account_id(1), account_id(2), account_id(3)])
        assert stored == {account_id(1): row(1), account_id(2): row(2)}

    async def test_of_two_concurrent_writers_at_one_version_one_wins(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(row(1)))
        first, second = row(1, "First", version=2), row(1, "Second", version=2)

        outcomes = await asyncio.gather(
            read_model.save_rows([RowChange(first, 1)]),
            read_model.save_rows([RowChange(second, 1)]),
            return_exceptions=True,
        )

        assert sorted(type(outcome).__name__ for outcome in outcomes) == [
            "NoneType",
            "ReadModelConflictError",
        ]
        winner = first if outcomes[0] is None else second
        assert await read_model.load_rows([account_id(1)]) == {account_id(1): winner}

    async def test_saving_nothing_is_fine(self, read_model: UserAccountReadModel) -> None:
        await read_model.save_rows([])

    async def test_two_changes_of_one_row_in_a_batch_are_refused(
        self, read_model: UserAccountReadModel
    ) -> None:
        with pytest.raises(ValueError, match="one change per row"):
            await read_model.save_rows([RowChange(row(1), 0), RowChange(row(1, version=2), 1)])

    async def test_erased_rows_and_rows_without_personal_data_load_back_exactly(
        self, read_model: UserAccountReadModel
    ) -> None:
        rows = [erased_row(1), emptied_row(2), row(3)]
        await read_model.save_rows(new(*rows))

        loaded = await read_model.load_rows([account_id(1), account_id(2), account_id(3)])

        assert loaded == {each.id: each for each in rows}
        assert loaded[account_id(1)].erased_at == erased_row(1).erased_at

    async def test_a_live_row_or_a_tombstone_is_erased_at_the_expected_version(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(row(1), row(2, version=2, deleted=True), emptied_row(3)))

        await read_model.save_rows(
            [
                RowChange(erased_row(1, version=5), 1),
                RowChange(erased_row(2, version=3), 2),
                RowChange(erased_row(3, version=3), 2),
            ]
        )

        loaded = await read_model.load_rows([account_id(1), account_id(2), account_id(3)])
        assert loaded == {
            account_id(1): erased_row(1, version=5),
            account_id(2): erased_row(2, version=3),
            account_id(3): erased_row(3, version=3),
        }

    async def test_no_query_serves_an_erased_row_or_a_row_without_personal_data(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(row(1), erased_row(2), emptied_row(3), row(4)))
        gone = [account_id(2), account_id(3)]

        assert [await read_model.get(each) for each in gone] == [None, None]
        assert ids_of(await read_model.list_after(10, None)) == [1, 4]
        assert ids_of(await read_model.list_after(10, account_id(1))) == [4]
        assert ids_of(await read_model.get_many([*gone, account_id(4)])) == [4]
        for term in ("Taro", "None", "none none", " ", "a"):
            assert 2 not in ids_of(await read_model.search(term, 10))
            assert 3 not in ids_of(await read_model.search(term, 10))

    # --- the Query API's side: get / list_after / get_many --------------------------------------

    async def test_get_returns_live_rows_only(self, read_model: UserAccountReadModel) -> None:
        await read_model.save_rows(new(row(1), row(2, deleted=True)))

        assert await read_model.get(account_id(1)) == row(1)
        assert await read_model.get(account_id(2)) is None
        assert await read_model.get(account_id(3)) is None

    async def test_list_after_pages_by_id_and_hides_deleted(
        self, read_model: UserAccountReadModel
    ) -> None:
        numbers = [7, 3, 9, 1, 5, 2, 8]
        await read_model.save_rows(new(*(row(n, deleted=n == 5) for n in numbers)))

        assert ids_of(await read_model.list_after(100, None)) == [1, 2, 3, 7, 8, 9]
        assert ids_of(await read_model.list_after(2, None)) == [1, 2]
        assert ids_of(await read_model.list_after(2, account_id(2))) == [3, 7]
        # Any well-formed id is a cursor, existing, deleted or not.
        assert ids_of(await read_model.list_after(2, account_id(4))) == [7, 8]
        assert ids_of(await read_model.list_after(100, account_id(5))) == [7, 8, 9]
        assert await read_model.list_after(10, account_id(9)) == []

    async def test_list_after_pages_through_everything_once(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(*(row(n) for n in range(1, 251))))
        seen: list[int] = []
        after: UserAccountId | None = None
        while page := await read_model.list_after(100, after):
            seen.extend(ids_of(page))
            after = page[-1].id

        assert seen == list(range(1, 251))

    async def test_get_many_orders_by_id_once_each_live_only(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(row(1), row(2), row(3, deleted=True), row(4)))

        found = await read_model.get_many(
            [account_id(4), account_id(1), account_id(4), account_id(3), account_id(9)]
        )

        assert found == [row(1), row(4)]
        assert await read_model.get_many([]) == []

    # --- search ---------------------------------------------------------------------------------

    async def search_ids(
        self, read_model: UserAccountReadModel, term: str, first: int = 100
    ) -> list[int]:
        return ids_of(await read_model.search(term, first))

    @pytest.mark.parametrize(
        ("term", "expected"),
        [
            ("Taro", [1, 3]),  # first name
            ("taro", [1, 3]),  # case-insensitive
            ("YAMADA", [1]),  # last name
            ("Taro Yamada", [1]),  # the full name, space included
            ("o Y", [1]),  # across the space
            ("ro Ya", [1]),
            ("Yamada Taro", []),  # not the reversed name
            ("ar", [1, 3]),  # two characters: below trigrams, still found
            ("Suzuki", [3]),
            ("Sato", []),  # deleted accounts are never found
            ("nobody", []),
        ],
    )
    async def test_search_matches_first_last_or_full_name(
        self, read_model: UserAccountReadModel, term: str, expected: list[int]
    ) -> None:
        await read_model.save_rows(
            new(
                row(3, "Taro", "Suzuki"),
                row(1, "Taro", "Yamada"),
                row(2, "Hanako", "Sato", deleted=True),
            )
        )
        assert await self.search_ids(read_model, term) == expected

    async def test_search_orders_by_id_and_stops_at_first(
        self, read_model: UserAccountReadModel
    ) -> None:
        await read_model.save_rows(new(*(row(n, f"Name{n}", "Smith") for n in (5, 1, 4, 2, 3))))

        assert await self.search_ids(read_model, "smith") == [1, 2, 3, 4, 5]
        assert await self.search_ids(read_model, "smith", first=2) == [1, 2]

    @pytest.mark.parametrize(
        ("term", "expected"),
        [
            ("%", [1]),  # a literal percent sign, not "anything"
            ("0%", [1]),
            ("a%c", []),  # would match "abc" as a wildcard
            ("_", [2]),  # a literal underscore, not "any one character"
            ("a_c", [2]),
            ("b_", []),
            ("\\", [3]),  # a literal backslash, not an escape
            ("\\%", []),
            ("c\\d", [3]),
            ("'", [4]),  # and quotes are just characters
            ("O'B", [4]),
        ],
    )
    async def test_search_takes_wildcards_literally(
        self, read_model: UserAccountReadModel, term: str, expected: list[int]
    ) -> None:
        await read_model.save_rows(
            new(
                row(1, "Hundred", "100%"),
                row(2, "a_c", "x"),
                row(3, "c\\d", "y"),
                row(4, "Seán", "O'Brien"),
                row(5, "abc", "bxc"),
            )
        )
        assert await self.search_ids(read_model, term) == expected

    @pytest.mark.parametrize(
        ("term", "expected"),
        [
            ("山田", [1]),
            ("田 太", [1]),  # full name across the space
            ("äö", [2]),  # Unicode letters fold case
            ("ÄÖ", [2]),
            ("éa", [3]),
            ("ea", []),  # accents stay: no normalisation
            # A word-final capital sigma lowers to the small one (str.lower() gives the final form).
            (f"δλ{_SMALL_SIGMA}", [4]),
            (f"ΔΛ{_CAPITAL_SIGMA}", [4]),
            ("izm", [5]),  # capital I with dot lowers to i (str.lower() adds U+0307)
            ("ss", []),  # ß is not "ss" (as str.casefold() would have it)
            ("ß", [6]),
            ("wass", []),  # the long s stays itself (str.casefold() makes it s)
            (f"wa{_LONG_S}{_LONG_S}", [8]),
            ("🙂", [7]),
        ],
    )
    async def test_search_folds_case_one_code_point_at_a_time(
        self, read_model: UserAccountReadModel, term: str, expected: list[int]
    ) -> None:
        await read_model.save_rows(
            new(
                row(1, "山田", "太郎"),
                row(2, "Jörg", "ÄÖÜ"),
                row(3, "Éamon", "Nuñez"),
                row(4, f"ΔΛ{_CAPITAL_SIGMA}", "Q"),
                row(5, "İzmir", "Q"),
                row(6, "Straße", "Q"),
                row(7, "Smile🙂", "Q"),
                row(8, f"Wa{_LONG_S}{_LONG_S}er", "Q"),
            )
        )
        assert await self.search_ids(read_model, term) == expected

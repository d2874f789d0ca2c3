"""Every validation message of the Query API (SPEC §4), over HTTP.

All the arguments of one query are checked, in the order of the schema, and every message is
reported together (as mutations do with their input fields); each argument reports its first
failing rule only, except the ids list, which reports one message per malformed id.
"""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.e2e.command_api.graphql_http import only_error, post_graphql
from tests.e2e.query_api.accounts import account_id, account_row, seed
from tests.e2e.query_api.queries import (
    BY_IDS,
    GET,
    LIST,
    SEARCH,
    ids_of,
    query_data,
    validation_messages,
)

pytestmark = pytest.mark.e2e

EMPTY_ID = "User account ID cannot be empty"
ID_LENGTH = "User account ID must be exactly 26 characters"
ID_FORMAT = "Invalid user account ID format"
FIRST_RANGE = "first must be between 1 and 1000"
EMPTY_TERM = "Search term cannot be empty"
INVALID_TERM = "Search term contains invalid characters"
SHORT_TERM = "Search term must be at least 2 characters long"
LONG_TERM = "Search term cannot exceed 100 characters"

VALID_ID = account_id(1)
MALFORMED_IDS = [
    pytest.param("", EMPTY_ID, id="empty"),
    pytest.param("01KB", ID_LENGTH, id="too-short"),
    pytest.param(VALID_ID + "0", ID_LENGTH, id="too-long"),
    pytest.param(" " + VALID_ID[1:], ID_FORMAT, id="space-not-trimmed"),
    pytest.param(VALID_ID[:-1] + "U", ID_FORMAT, id="letter-u"),
    pytest.param(VALID_ID[:-1] + "I", ID_FORMAT, id="letter-i"),
    pytest.param(VALID_ID[:-1] + "-", ID_FORMAT, id="dash"),
    pytest.param("8" + VALID_ID[1:], ID_FORMAT, id="overflows-128-bits"),
    pytest.param(VALID_ID[:-1] + "ß", ID_FORMAT, id="non-ascii"),
]


@pytest.mark.parametrize(("raw_id", "message"), MALFORMED_IDS)
async def test_get_user_account_rejects_a_malformed_id(
    client: TestClient[Any, Any], raw_id: str, message: str
) -> None:
    answer = await post_graphql(client, GET, {"id": raw_id})

    assert answer["data"] == {"getUserAccount": None}
    error = only_error(answer)
    assert error["path"] == ["getUserAccount"]
    assert error["extensions"] == {"code": "VALIDATION_ERROR", "errors": [message]}
    assert error["message"] == message


@pytest.mark.parametrize(("raw_id", "message"), MALFORMED_IDS)
async def test_get_user_accounts_rejects_a_malformed_after(
    client: TestClient[Any, Any], raw_id: str, message: str
) -> None:
    answer = await post_graphql(client, LIST, {"after": raw_id})

    # The list is non-null: its error nulls the whole `data`.
    assert answer["data"] is None
    assert only_error(answer)["path"] == ["getUserAccounts"]
    assert await validation_messages(client, LIST, {"after": raw_id}) == [message]


@pytest.mark.parametrize("first", [0, -1, -1000, 1001, 2_147_483_647])
async def test_first_out_of_range_is_refused_on_every_query_that_has_it(
    client: TestClient[Any, Any], first: int
) -> None:
    assert await validation_messages(client, LIST, {"first": first}) == [FIRST_RANGE]
    assert await validation_messages(client, SEARCH, {"term": "taro", "first": first}) == [
        FIRST_RANGE
    ]


@pytest.mark.parametrize("first", [1, 1000])
async def test_first_at_its_bounds_is_accepted(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel, first: int
) -> None:
    await seed(read_model, account_row(1))

    assert await ids_of(client, LIST, {"first": first}) == [account_id(1)]
    assert await ids_of(client, SEARCH, {"term": "taro", "first": first}) == [account_id(1)]


async def test_every_argument_is_checked_in_order(client: TestClient[Any, Any]) -> None:
    assert await validation_messages(client, LIST, {"first": 0, "after": "bad"}) == [
        FIRST_RANGE,
        ID_LENGTH,
    ]
    assert await validation_messages(client, SEARCH, {"term": " ", "first": 1001}) == [
        EMPTY_TERM,
        FIRST_RANGE,
    ]


async def test_an_empty_ids_list_is_refused(client: TestClient[Any, Any]) -> None:
    assert await validation_messages(client, BY_IDS, {"ids": []}) == [
        "User account IDs list cannot be empty"
    ]


async def test_more_than_100_ids_are_refused_before_any_id_is_checked(
    client: TestClient[Any, Any],
) -> None:
    valid = [account_id(number) for number in range(101)]

    assert await validation_messages(client, BY_IDS, {"ids": valid}) == [
        "Cannot query more than 100 user accounts at once"
    ]
    # Duplicates count: the limit is on the list as given.
    assert await validation_messages(client, BY_IDS, {"ids": [VALID_ID] * 101}) == [
        "Cannot query more than 100 user accounts at once"
    ]
    assert await validation_messages(client, BY_IDS, {"ids": ["bad"] * 101}) == [
        "Cannot query more than 100 user accounts at once"
    ]


async def test_100_ids_are_accepted(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, *(account_row(number) for number in range(100)))

    ids = [account_id(number) for number in range(100)]

    assert await ids_of(client, BY_IDS, {"ids": ids}) == ids


async def test_each_malformed_id_of_the_list_has_its_message_in_order(
    client: TestClient[Any, Any],
) -> None:
    ids = [VALID_ID, "bad", "", VALID_ID.lower(), "8" + VALID_ID[1:], "bad"]

    assert await validation_messages(client, BY_IDS, {"ids": ids}) == [
        ID_LENGTH,
        EMPTY_ID,
        ID_FORMAT,
        ID_LENGTH,
    ]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        pytest.param("", EMPTY_TERM, id="empty"),
        pytest.param(" \t\n ", EMPTY_TERM, id="blank"),
        pytest.param("\u3000", EMPTY_TERM, id="ideographic-space"),
        pytest.param("Ta\x00ro", INVALID_TERM, id="nul"),
        pytest.param("Ta\x07ro", INVALID_TERM, id="bell"),
        pytest.param("Taro\x7f", INVALID_TERM, id="del"),
        pytest.param("Ta\x9bro", INVALID_TERM, id="c1-control"),
        pytest.param("Ta\ud800ro", INVALID_TERM, id="lone-surrogate"),
        pytest.param("\x00", INVALID_TERM, id="invalid-before-short"),
        pytest.param("a", SHORT_TERM, id="one-character"),
        pytest.param("  a  ", SHORT_TERM, id="one-character-after-trimming"),
        pytest.param("山", SHORT_TERM, id="one-cjk-character"),
        pytest.param("a" * 101, LONG_TERM, id="101-characters"),
        pytest.param(" " + "山" * 101 + " ", LONG_TERM, id="101-code-points-after-trimming"),
    ],
)
async def test_search_term_rules(client: TestClient[Any, Any], term: str, message: str) -> None:
    assert await validation_messages(client, SEARCH, {"term": term}) == [message]


@pytest.mark.parametrize(
    "term",
    [
        pytest.param("ta", id="two-characters"),
        pytest.param("  ta  ", id="two-characters-after-trimming"),
        pytest.param("t" * 100, id="100-characters"),
        pytest.param("   " + "t" * 100 + "\n", id="100-characters-after-trimming"),
        pytest.param("ta\t", id="trailing-tab-is-trimmed"),
    ],
)
async def test_search_terms_within_the_rules_are_accepted(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel, term: str
) -> None:
    await seed(read_model, account_row(1, "Ta", "T" * 100))

    assert await ids_of(client, SEARCH, {"term": term}) == [account_id(1)]


async def test_a_valid_query_after_invalid_ones_still_works(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1))

    assert await validation_messages(client, GET, {"id": "bad"}) == [ID_LENGTH]
    assert (await query_data(client, GET, {"id": account_id(1)}))["id"] == account_id(1)

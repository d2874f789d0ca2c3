"""SQL metacharacters in search terms, against the Query API on the real PostgreSQL read model.

The term is a bound parameter with `%`, `_` and `\\` escaped for LIKE: whatever it holds, the
answer is the one the in-memory read model gives through the same use case (SPEC §4: the
wildcards match literally), and the table is as it was.
"""

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Success

from apps.query_api.app import create_app
from apps.query_api.container import QueryApiContainer
from domain.user_account import ValidationFailed
from infrastructure.settings import Settings
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from tests.e2e.bad_input.answers import send_graphql
from tests.e2e.bad_input.hostile_values import as_server_reads, graphql_literal, hostile_texts
from tests.e2e.bad_input.suite import SUITE
from tests.e2e.query_api.accounts import account_row, seed
from tests.e2e.query_api.served import ServedQueryApi, wire_resolvers
from tests.support.callers import NO_AUTH
from use_case.user_account_query.search_user_accounts import (
    SearchUserAccounts,
    SearchUserAccountsUseCase,
)

pytestmark = pytest.mark.e2e

NAMES = (
    ("Taro", "Yamada"),
    ("TARO", "yamada"),
    ("O'Brien", 'Quote"d'),
    ("100%", "a_b"),
    ("back\\slash", "semi;colon"),
    ("Robert'); DROP TABLE user_accounts;--", "x"),
    ("per%cent", "under_score"),
    ("\u5c71\u7530", "\u592a\u90ce"),
    ("Gone", "Deleted%"),
)
INJECTIONS = (
    "'; DROP TABLE user_accounts; --",
    "' OR '1'='1",
    "%' OR 1=1 --",
    "\\'; SELECT pg_sleep(10); --",
    "'); DELETE FROM user_accounts; --",
    "$1",
    "%%",
    "__",
    "\\%",
    "\\_",
    "\\\\",
    "a\x00b",
    "%\x00%",
    "E'\\x27'",
    "$$; DROP TABLE user_accounts; $$",
)
METACHARACTERS = "%_\\'\";-$()*/ \x00aAtToOrRyY5"

search_terms = st.one_of(
    st.sampled_from(INJECTIONS),
    st.text(st.sampled_from(METACHARACTERS), max_size=12),
    st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS), st.text(METACHARACTERS)),
    hostile_texts,
)
SEARCH = (
    "query($term: String!, $first: Int) "
    "{ searchUserAccounts(searchTerm: $term, first: $first) { id } }"
)


@pytest.fixture(scope="module")
async def postgres_query_api(postgres_url: str) -> AsyncIterator[ServedQueryApi]:
    container = QueryApiContainer()
    container.settings.override(providers.Object(Settings(database_url=postgres_url)))
    async with TestClient(TestServer(create_app(container), host="127.0.0.1")) as client:
        yield ServedQueryApi(client, container)


@pytest.fixture
async def oracle(clean_postgres: "asyncpg.Pool[asyncpg.Record]") -> InMemoryUserAccountReadModel:
    """The same rows in PostgreSQL and in an in-memory read model (the oracle)."""
    rows = [
        account_row(number, first, last, deleted=first == "Gone")
        for number, (first, last) in enumerate(NAMES, start=1)
    ]
    await seed(PostgresUserAccountReadModel(clean_postgres), *rows)
    in_memory = InMemoryUserAccountReadModel()
    await seed(in_memory, *rows)
    return in_memory


@pytest.fixture
def client(postgres_query_api: ServedQueryApi, oracle: Any) -> TestClient[Any, Any]:
    wire_resolvers(postgres_query_api.container)
    return postgres_query_api.client


@settings(SUITE, max_examples=150)
@given(search_terms, st.sampled_from([None, 1, 2, 1000, 0]), st.booleans())
async def test_any_search_term_matches_literally_and_changes_nothing(
    client: TestClient[Any, Any],
    oracle: InMemoryUserAccountReadModel,
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
    term: str,
    first: int | None,
    as_literal: bool,
) -> None:
    before = await clean_postgres.fetch("SELECT * FROM user_accounts ORDER BY id")

    if as_literal:
        arguments = f"searchTerm: {graphql_literal(term, escape_non_ascii=True)}"
        arguments += "" if first is None else f", first: {first}"
        answer = await send_graphql(client, f"{{ searchUserAccounts({arguments}) {{ id }} }}")
    else:
        answer = await send_graphql(client, SEARCH, {"term": term, "first": first})

    search = SearchUserAccounts(as_server_reads(term), first)
    expected = await SearchUserAccountsUseCase(queries=oracle)(NO_AUTH, search)
    if isinstance(expected, Success):
        assert answer.succeeded, answer
        found = [account["id"] for account in answer.data["searchUserAccounts"]]
        assert found == [str(row.id) for row in expected.unwrap()]
    elif not as_literal or answer.codes != ["GRAPHQL_PARSE_FAILED"]:
        # (A NUL or an unpaired surrogate in a literal is a syntax error: see string_escapes.)
        assert answer.codes == ["VALIDATION_ERROR"], answer
        error = answer.body["errors"][0]
        refusal = expected.failure()
        assert isinstance(refusal, ValidationFailed)
        assert error["extensions"]["errors"] == list(refusal.messages)
    assert await clean_postgres.fetch("SELECT * FROM user_accounts ORDER BY id") == before

"""The PostgreSQL read model passes the read-model contract, its search uses the index, and an
erased row takes its account's dead letters with it."""

from dataclasses import replace

import asyncpg
import pytest

from interface_adapter.read_model import postgres_statements
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from tests.support.read_model_contract import (
    ReadModelContract,
    account_id,
    emptied_row,
    erased_row,
    new,
    row,
)
from use_case.ports import ReadModelConflictError, RowChange, UserAccountReadModel

pytestmark = pytest.mark.integration


class TestPostgresReadModel(ReadModelContract):
    @pytest.fixture
    def read_model(self, clean_postgres: "asyncpg.Pool[asyncpg.Record]") -> UserAccountReadModel:
        return PostgresUserAccountReadModel(clean_postgres)


async def _fill(pool: "asyncpg.Pool[asyncpg.Record]", count: int) -> None:
    # Enough varied rows for the planner to prefer the trigram index to a scan of the table.
    await pool.execute(
        """
        INSERT INTO user_accounts
        SELECT lpad(i::text, 26, '0'), 'First' || md5(i::text), 'Last' || md5((i * 7)::text),
               'user' || i || '@example.com', now(), now(), 1,
               CASE WHEN i % 10 = 0 THEN now() END
        FROM generate_series(1, $1::int) AS i
        """,
        count,
    )
    await pool.execute("ANALYZE user_accounts")


async def test_search_of_three_characters_or_more_uses_the_trigram_index(
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
) -> None:
    await _fill(clean_postgres, 20_000)

    for term in ["%abc1%", "%Taro Yamada%", "%\\%50\\_%"]:
        plan = await clean_postgres.fetch(f"EXPLAIN {postgres_statements.SEARCH}", term, 100)
        text = "\n".join(record[0] for record in plan)
        assert "user_accounts_full_name_trgm_idx" in text, text


async def test_connections_plan_every_search_for_its_term(
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
) -> None:
    # A generic plan (chosen after five runs of a prepared statement) would scan the table.
    assert await clean_postgres.fetchval("SHOW plan_cache_mode") == "force_custom_plan"


async def _park(pool: "asyncpg.Pool[asyncpg.Record]", sequence_number: str, account: str) -> None:
    await pool.execute(
        "INSERT INTO dead_letters (stream_arn, shard_id, sequence_number, aggregate_id, record,"
        " error, attempts, first_failed_at, last_failed_at)"
        " VALUES ('arn', 'shard', $1, $2, '{}', 'boom', 1, now(), now())",
        sequence_number,
        account,
    )


async def _parked(pool: "asyncpg.Pool[asyncpg.Record]") -> list[str]:
    records = await pool.fetch("SELECT aggregate_id FROM dead_letters ORDER BY sequence_number")
    return [record["aggregate_id"] for record in records]


async def test_saving_an_erased_row_deletes_its_accounts_dead_letters_in_its_transaction(
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
) -> None:
    read_model = PostgresUserAccountReadModel(clean_postgres)
    await read_model.save_rows(new(row(1), row(2)))
    for number, account in enumerate([1, 2, 1, 3]):
        await _park(clean_postgres, str(number), account_id(account).value)

    # A batch that conflicts writes nothing, and so deletes nothing.
    with pytest.raises(ReadModelConflictError):
        await read_model.save_rows([RowChange(erased_row(1), 1), RowChange(row(2, "X"), 0)])
    assert await _parked(clean_postgres) == [account_id(n).value for n in (1, 2, 1, 3)]

    await read_model.save_rows([RowChange(erased_row(1), 1), RowChange(row(2, "X", version=2), 1)])

    assert await _parked(clean_postgres) == [account_id(2).value, account_id(3).value]


async def test_the_table_refuses_a_half_erased_row(
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
) -> None:
    read_model = PostgresUserAccountReadModel(clean_postgres)
    half = replace(erased_row(1), email_address="left@example.com")
    with pytest.raises(asyncpg.CheckViolationError):
        await read_model.save_rows(new(half))
    with pytest.raises(asyncpg.CheckViolationError):
        await read_model.save_rows(new(replace(emptied_row(2), owner="someone")))
    assert await read_model.load_rows([account_id(1), account_id(2)]) == {}

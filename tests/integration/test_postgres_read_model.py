"""The PostgreSQL read model passes the read-model contract, and its search uses the index."""

import asyncpg
import pytest

from interface_adapter.read_model import postgres_statements
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from tests.support.read_model_contract import ReadModelContract
from use_case.ports import UserAccountReadModel

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

"""Scenario 7: `getUserAccount` and `searchUserAccounts` req/s over 100,000 accounts, 32 concurrent,
against a bare aiohttp endpoint running the same SQL through asyncpg (benchmarks.bare_query_server).

The accounts are copied into a fresh database (COPY, rows shaped as the projection writes them)
with realistic names: a surname is shared by about 9 accounts and a full name by one or two, so
every search term is selective. Reads pick random ids and terms from lists of existing ones.
Both servers run at the same time; each load alternates between them, and the best run counts.
"""

import json
import random
import sys
from datetime import UTC, datetime, timedelta

import asyncpg

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load
from benchmarks.report import Row, ratio_at_least
from benchmarks.services import RunningProcess, app_process, free_port, spawned, wait_for_http

ID = "7"
TITLE = "getUserAccount and searchUserAccounts over 100,000 accounts, 32 concurrent"
CONNECTIONS = 32
GET_FIGURE = "getUserAccount req/s, 100k accounts, 32 conc."
SEARCH_FIGURE = "searchUserAccounts req/s, 100k accounts, 32 conc."
TARGET = ratio_at_least(0.5)
EXPECTED = [(GET_FIGURE, TARGET), (SEARCH_FIGURE, TARGET)]

ACCOUNTS = 100_000
COPY_CHUNK = 10_000
PICKED = 2_000  # ids and terms the load picks from

GET_QUERY = (
    "query Get($id: String!) { getUserAccount(userAccountId: $id) "
    "{ id firstName lastName fullName emailAddress createdAt updatedAt version } }"
)
SEARCH_QUERY = (
    "query Search($term: String!) { searchUserAccounts(searchTerm: $term) "
    "{ id firstName lastName fullName emailAddress createdAt updatedAt version } }"
)

FIRST_NAMES = (  # noqa: SIM905 - words in a string read better than a list of them
    "Ada Alan Alice Amara Anders Anna Arjun Astrid Beatriz Boris Carla Chen Clara Dara "
    "David Diego Elena Emil Emma Farah Felix Freya Gustav Hana Hugo Ines Ingrid Ivan "
    "Jamal Jana Javier Jonas Julia Kai Karin Kenji Lara Leon Lina Luca Maja Marco "
    "Maria Mateo Mei Mila Nadia Nils Noah Nora Omar Oskar Paula Pedro Priya Rafael "
    "Rosa Sami Sara Sofia Stefan Tariq Tomas Uma Vera Viktor Wanda Yara Yusuf Zara "
    "Zoe"
).split()
SURNAME_STARTS = (  # noqa: SIM905 - words in a string read better than a list of them
    "Bal Bran Cor Dal Dren Eck Fal Gar Hal Holm Ives Jar Kal Kor "
    "Lan Lind Mar Mor Nor Ost Pal Quin Ros Sal Sten Tor Ul Val "
    "Wes Yor Zan Ber Cas Fer Gil Har Lor Mal Nev Rad"
).split()
SURNAME_MIDDLES = (  # noqa: SIM905 - words in a string read better than a list of them
    "a e i o u an en in on ar er or el il"
).split()
SURNAME_ENDS = (  # noqa: SIM905 - words in a string read better than a list of them
    "berg dahl ford gard hart holm kov lund mann ner quist sen ski son stad strom ton vik wick ez"
).split()


def surnames() -> list[str]:
    """About 11,000 distinct surnames built from syllables ("Marenlund", "Torilski")."""
    return [
        start + middle + end
        for start in SURNAME_STARTS
        for middle in SURNAME_MIDDLES
        for end in SURNAME_ENDS
    ]


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(moment: datetime, rng: random.Random) -> str:
    value = (int(moment.timestamp() * 1000) << 80) | rng.getrandbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def account_rows(count: int, rng: random.Random) -> list[tuple[object, ...]]:
    """`count` rows as the projection writes a created account: version 1, not deleted."""
    last_names = surnames()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for number in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(last_names)
        created = start + timedelta(seconds=rng.randrange(365 * 24 * 3600), microseconds=number)
        email = f"{first}.{last}.{number}@example.com".lower()
        rows.append((ulid(created, rng), first, last, email, created, created, 1, None))
    return rows


async def load_accounts(
    ctx: BenchContext, database_url: str, rows: list[tuple[object, ...]]
) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        for done in range(0, len(rows), COPY_CHUNK):
            await connection.copy_records_to_table(
                "user_accounts",
                records=rows[done : done + COPY_CHUNK],
                columns=[
                    "id",
                    "first_name",
                    "last_name",
                    "email_address",
                    "created_at",
                    "updated_at",
                    "version",
                    "deleted_at",
                ],
            )
            ctx.progress.count("accounts copied", min(done + COPY_CHUNK, len(rows)), len(rows))
        await connection.execute("VACUUM ANALYZE user_accounts")
    finally:
        await connection.close()


def request_bodies(
    rows: list[tuple[object, ...]], rng: random.Random
) -> tuple[list[str], list[str]]:
    """Bodies of getUserAccount (random ids) and searchUserAccounts (half surnames, about 9
    matches each; half full names, one or two matches each)."""
    picked = rng.sample(rows, PICKED)
    gets = [json.dumps({"query": GET_QUERY, "variables": {"id": str(row[0])}}) for row in picked]
    terms = [str(row[2]) if index % 2 else f"{row[1]} {row[2]}" for index, row in enumerate(picked)]
    searches = [json.dumps({"query": SEARCH_QUERY, "variables": {"term": term}}) for term in terms]
    return gets, searches


async def measure(ctx: BenchContext, label: str, url: str, bodies: list[str]) -> LoadResult:
    seconds = ctx.size(3.0, 15.0)
    await http_load(url, bodies, connections=CONNECTIONS, seconds=1, max_requests=100_000)
    result = await http_load(
        url, bodies, connections=CONNECTIONS, seconds=seconds, max_requests=2_000_000
    )
    ctx.progress.phase(
        f"{label}: {result.rate:,.0f} req/s, p99 {result.p99_ms:.1f} ms, {result.failed} failed"
    )
    if result.failed:
        raise RuntimeError(f"{label}: {result.failed} of {result.requests} requests failed")
    return result


async def best_of_rounds(
    ctx: BenchContext, name: str, bodies: list[str], bare_url: str, api_url: str
) -> tuple[LoadResult, LoadResult]:
    """The best run of each side, the sides taking turns so that drift hits both alike."""
    bare: list[LoadResult] = []
    api: list[LoadResult] = []
    for _ in range(2):  # a single round is at the mercy of the machine's drift
        bare.append(await measure(ctx, f"{name}, bare asyncpg", bare_url, bodies))
        api.append(await measure(ctx, f"{name}, Query API", api_url, bodies))
    return max(bare, key=lambda r: r.rate), max(api, key=lambda r: r.rate)


def _row(figure: str, result: LoadResult, baseline: LoadResult) -> Row:
    return Row(
        ID,
        figure,
        result.rate,
        "req/s",
        TARGET,
        baseline=baseline.rate,
        baseline_label="bare aiohttp + asyncpg",
        client=result.client,
        details={"figure": result.as_details(), "baseline": baseline.as_details()},
    )


async def run(ctx: BenchContext) -> list[Row]:
    database_url = await ctx.database("s7_queries")
    rng = random.Random(7)
    ctx.progress.phase(f"generating {ACCOUNTS:,} accounts")
    rows = account_rows(ctx.size(ACCOUNTS, ACCOUNTS), rng)
    await load_accounts(ctx, database_url, rows)
    gets, searches = request_bodies(rows, rng)
    del rows

    bare_port, api_port = free_port(), free_port()
    bare_argv = [sys.executable, "-m", "benchmarks.bare_query_server", str(bare_port), database_url]
    env = {"QUERY_API_PORT": str(api_port), "DATABASE_URL": database_url}
    health = f"http://127.0.0.1:{api_port}/api/health"
    async with (
        spawned("s7-bare-query", bare_argv, ctx.log_dir) as bare,
        app_process("s7-query-api", "apps.query_api", ctx.log_dir, env, health),
    ):
        await _wait(bare, bare_port)
        bare_url = f"http://127.0.0.1:{bare_port}/api/graphql"
        api_url = f"http://127.0.0.1:{api_port}/api/graphql"
        get_bare, get_api = await best_of_rounds(ctx, "getUserAccount", gets, bare_url, api_url)
        search_bare, search_api = await best_of_rounds(
            ctx, "searchUserAccounts", searches, bare_url, api_url
        )
    return [_row(GET_FIGURE, get_api, get_bare), _row(SEARCH_FIGURE, search_api, search_bare)]


async def _wait(bare: RunningProcess, port: int) -> None:
    await wait_for_http(f"http://127.0.0.1:{port}/api/health", bare)

"""`python -m benchmarks.bare_query_server PORT DATABASE_URL`: the baseline of scenario 7, a bare
aiohttp endpoint that runs the Query API's very SQL through asyncpg and answers the rows as JSON.

It reads the same GraphQL request bodies (their variable `id` or `term`) and
runs like the Query API does: the same event loop, the same pool (infrastructure.postgres_pool,
same size and server settings), no access log, the garbage collector frozen after start-up.
"""

import sys
from typing import Any

import orjson
from aiohttp import web

from benchmarks.bare_server import build_app, serve
from infrastructure.event_loop import run
from infrastructure.postgres_pool import create_pool
from interface_adapter.read_model import postgres_statements as sql
from interface_adapter.read_model.postgres_read_model import escape_like

DEFAULT_PAGE_SIZE = 100  # searchUserAccounts' default `first`
POOL = web.AppKey("pool", Any)


async def handle(request: web.Request) -> web.Response:
    variables = orjson.loads(await request.read()).get("variables") or {}
    pool = request.app[POOL]
    if "id" in variables:
        record = await pool.fetchrow(sql.GET, variables["id"].upper())
        rows = [] if record is None else [dict(record)]
    else:
        term = f"%{escape_like(variables['term'].strip())}%"
        rows = [dict(record) for record in await pool.fetch(sql.SEARCH, term, DEFAULT_PAGE_SIZE)]
    return web.Response(body=orjson.dumps({"data": rows}), content_type="application/json")


def main(argv: list[str]) -> int:
    port, database_url = argv
    app = build_app([web.post("/api/graphql", handle)])

    async def open_pool(app: web.Application) -> None:
        app[POOL] = await create_pool(database_url, application_name="bare-query", min_size=0)

    async def close_pool(app: web.Application) -> None:
        await app[POOL].close()

    app.on_startup.append(open_pool)
    app.on_cleanup.append(close_pool)
    run(serve(app, int(port)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

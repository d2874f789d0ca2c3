"""`python -m benchmarks.bare_server PORT`: the baseline of scenario 1, a bare aiohttp endpoint
that parses the same JSON body a GraphQL request carries and answers a small JSON document.

It runs like the services do: the same event loop (infrastructure.event_loop), no access log,
and the garbage collector frozen after start-up.
"""

import asyncio
import gc
import signal
import sys

import orjson
from aiohttp import web

from infrastructure.event_loop import run

ANSWER = orjson.dumps({"data": {"ok": True}})


async def handle(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return web.Response(status=400, body=b'{"errors":[{"message":"bad request"}]}')
    return web.Response(body=ANSWER, content_type="application/json")


async def health(request: web.Request) -> web.Response:
    return web.Response(body=b'{"status":"ok"}', content_type="application/json")


def build_app(routes: list[web.RouteDef]) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024 + 1)
    app.add_routes([web.get("/api/health", health), *routes])
    return app


async def serve(app: web.Application, port: int) -> None:
    """Serve `app` on 127.0.0.1:`port` until SIGTERM or SIGINT."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    gc.collect()
    gc.freeze()
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str]) -> int:
    [port] = argv
    run(serve(build_app([web.post("/api/graphql", handle)]), int(port)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`python -m benchmarks.bare_server PORT [CPU_MICROSECONDS]`: scenario 1's baseline, a bare aiohttp
endpoint that parses the JSON body a GraphQL request carries and answers a small JSON document;
run as the services are (same event loop, no access log, the collector frozen after start-up)."""

import asyncio
import gc
import signal
import sys
import time
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from infrastructure.event_loop import run

ANSWER = orjson.dumps({"data": {"ok": True}})


async def handle(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return web.Response(status=400, body=b'{"errors":[{"message":"bad request"}]}')
    return web.Response(body=ANSWER, content_type="application/json")


def spinning(cpu_seconds: float) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`handle`, after spinning the CPU for `cpu_seconds` per request (no allocation, no await):
    a server as costly as a create per request, with nothing of ours in it, to tell the tail of
    a saturated server on this machine from ours (docs/performance.md, Scenario 1's tail)."""

    async def handle_spinning(request: web.Request) -> web.Response:
        until = time.perf_counter() + cpu_seconds
        while time.perf_counter() < until:
            pass
        return await handle(request)

    return handle_spinning


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


USAGE = "usage: python -m benchmarks.bare_server PORT [CPU_MICROSECONDS]"


def _arguments(argv: list[str]) -> tuple[int, float] | None:
    """The port and the CPU seconds per request of `argv`; None when they are not valid."""
    if len(argv) not in (1, 2):
        return None
    try:
        port, cpu_microseconds = int(argv[0]), float(argv[1]) if len(argv) == 2 else 0.0
    except ValueError:
        return None
    if not 0 < port < 65536 or not 0 <= cpu_microseconds < 1_000_000:
        return None
    return port, cpu_microseconds / 1e6


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    if arguments is None:
        print(
            f"{USAGE}: a port 1-65535, CPU_MICROSECONDS from 0 to below a second", file=sys.stderr
        )
        return 2
    port, cpu_seconds = arguments
    handler = handle if cpu_seconds == 0 else spinning(cpu_seconds)
    run(serve(build_app([web.post("/api/graphql", handler)]), port))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""GET /api/health (the process runs) and GET /api/health/ready (its dependencies answer)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from infrastructure.http.json_response import json_response

HEALTH_PATH = "/api/health"
READY_PATH = "/api/health/ready"

ReadinessCheck = Callable[[], Awaitable[None]]
"""Returns when its dependency answers; raises (or hangs past the timeout) when it does not."""

READINESS_CHECKS = web.AppKey("readiness_checks", Mapping[str, ReadinessCheck])
READINESS_TIMEOUT = web.AppKey("readiness_timeout", float)

_logger = logging.getLogger(__name__)
_MAX_ERROR_LENGTH = 200


def add_health_routes(app: web.Application, readiness_timeout: float) -> None:
    """GET HEALTH_PATH and READY_PATH; set `app[READINESS_CHECKS]` by the time the app serves
    (none: ready), each check bounded by `readiness_timeout` seconds."""
    app[READINESS_TIMEOUT] = readiness_timeout
    app.router.add_get(HEALTH_PATH, handle_health)
    app.router.add_get(READY_PATH, handle_ready)


async def handle_health(request: web.Request) -> web.Response:
    return json_response({"status": "healthy"})


async def handle_ready(request: web.Request) -> web.Response:
    checks = request.app.get(READINESS_CHECKS, {})
    timeout = request.app[READINESS_TIMEOUT]
    outcomes = await asyncio.gather(*(_run(name, check, timeout) for name, check in checks.items()))
    failures = {name: error for name, error in outcomes if error is not None}
    results = {name: failures.get(name, "ok") for name, _ in outcomes}
    if failures:
        return json_response({"status": "unavailable", "checks": results}, status=503)
    return json_response({"status": "ready", "checks": results})


async def _run(name: str, check: ReadinessCheck, limit_s: float) -> tuple[str, str | None]:
    """The check's name and its error, None when it passed."""
    try:
        async with asyncio.timeout(limit_s):
            await check()
    except TimeoutError:
        _logger.warning("readiness check timed out", extra={"check": name})
        return name, f"no answer within {limit_s:g} s"
    except Exception as error:
        _logger.warning("readiness check failed", extra={"check": name}, exc_info=True)
        return name, _describe(error)
    return name, None


def _describe(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return text if len(text) <= _MAX_ERROR_LENGTH else text[: _MAX_ERROR_LENGTH - 1] + "…"

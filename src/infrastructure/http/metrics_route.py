"""GET /metrics: a registry in the Prometheus text format, on an app or a listener of its own."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import cast

from aiohttp import hdrs, web
from prometheus_client import (
    CollectorRegistry,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.exposition import choose_encoder

METRICS_PATH = "/metrics"
# The registry an application's /metrics answers (absent: metrics are off).
METRICS_REGISTRY = web.AppKey("metrics_registry", CollectorRegistry)

BeforeScrape = Callable[[], Awaitable[None]]
"""Brings a gauge up to date (a count read from a database) before the registry is read."""

# A refresher that does not answer in time leaves its gauge at the last value it set.
BEFORE_SCRAPE_TIMEOUT_SECONDS = 2.0

_logger = logging.getLogger(__name__)


def new_registry() -> CollectorRegistry:
    """A registry of one service's metrics, with the process's CPU, memory and file descriptors.

    One registry per application rather than prometheus-client's global one: the in-memory
    process serves both APIs, each of which shows its own metrics, and tests build many apps.
    """
    # No `_created` series beside each counter: half the text a scrape reads, no information a
    # process start time does not give. (A switch of prometheus-client's, for the process.)
    cast(Callable[[], None], disable_created_metrics)()  # untyped in prometheus-client
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    return registry


def add_metrics_route(
    app: web.Application, registry: CollectorRegistry, before_scrape: Sequence[BeforeScrape] = ()
) -> None:
    """GET METRICS_PATH on `app`, answering `registry` (no token needed: SPEC §8.1)."""
    app[METRICS_REGISTRY] = registry
    app.router.add_get(METRICS_PATH, metrics_handler(registry, before_scrape))


def metrics_app(
    registry: CollectorRegistry, before_scrape: Sequence[BeforeScrape] = ()
) -> web.Application:
    """An application serving only GET METRICS_PATH: a metrics listener of a process's own."""
    app = web.Application()
    add_metrics_route(app, registry, before_scrape)
    return app


def metrics_handler(
    registry: CollectorRegistry, before_scrape: Sequence[BeforeScrape] = ()
) -> Callable[[web.Request], Awaitable[web.Response]]:
    refreshers = tuple(before_scrape)

    async def handle_metrics(request: web.Request) -> web.Response:
        if refreshers:
            await asyncio.gather(*(_refresh(refresh) for refresh in refreshers))
        # The text format, or OpenMetrics for a scraper that asks for it.
        encode, content_type = choose_encoder(request.headers.get(hdrs.ACCEPT, ""))
        return web.Response(body=encode(registry), headers={"Content-Type": content_type})

    return handle_metrics


async def _refresh(refresh: BeforeScrape) -> None:
    try:
        async with asyncio.timeout(BEFORE_SCRAPE_TIMEOUT_SECONDS):
            await refresh()
    except Exception as error:
        # The gauge keeps its last value; the scrape answers all the same.
        _logger.warning(
            "a metric could not be brought up to date", extra={"error": type(error).__name__}
        )

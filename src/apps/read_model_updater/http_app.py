"""The local updater's HTTP listener: /api/health, /api/health/ready and /metrics."""

from aiohttp import web
from prometheus_client import CollectorRegistry

from apps.query_api.readiness import PostgresCheck
from apps.read_model_updater.container import ReadModelUpdaterContainer
from apps.read_model_updater.readiness import LeaseCheck, StreamCheck
from infrastructure.http.health import READINESS_CHECKS, ReadinessCheck, add_health_routes
from infrastructure.http.metrics_route import add_metrics_route
from infrastructure.http.server import Listener
from infrastructure.stream_consumer import ConsumerMetrics

READINESS_TIMEOUT_SECONDS = 2.0


def create_updater_app(
    container: ReadModelUpdaterContainer,
    metrics: ConsumerMetrics | None = None,
    registry: CollectorRegistry | None = None,
) -> web.Application:
    """Health and readiness (PostgreSQL and the stream answer, a lease held or waited for) of
    an updater whose connections `container` holds; GET /metrics answers `registry` (none: no
    metrics), the dead letters counted anew at each scrape."""
    app = web.Application()
    add_health_routes(app, READINESS_TIMEOUT_SECONDS)
    settings = container.settings()
    checks: dict[str, ReadinessCheck] = {
        "postgres": PostgresCheck(container.pool()),
        "stream": StreamCheck(
            container.dynamodb_client(), container.streams_client(), settings.journal_table_name
        ),
        "lease": LeaseCheck(container.shard_leases()),
    }
    app[READINESS_CHECKS] = checks
    if registry is not None and metrics is not None:
        store = container.checkpoint_store()

        async def count_dead_letters() -> None:
            await metrics.count_dead_letters_with(store.count_dead_letters)

        add_metrics_route(app, registry, before_scrape=[count_dead_letters])
    return app


def updater_listener(container: ReadModelUpdaterContainer, app: web.Application) -> Listener:
    settings = container.settings()
    return Listener(
        name="read-model-updater",
        app=app,
        host=settings.updater_http_host,
        port=settings.updater_http_port,
        port_variable="UPDATER_HTTP_PORT",
        keepalive_timeout=settings.keepalive_timeout_seconds,
    )

"""`python -m apps.read_model_updater`: poll the journal's stream into the read model, serving
its health and metrics on UPDATER_HTTP_PORT. Runs until SIGTERM or SIGINT; then the batch in hand
is finished and checkpointed, and the process exits with 0 (1: its port could not be bound)."""

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack

from dependency_injector import providers

from apps.read_model_updater.container import ReadModelUpdaterContainer, open_connections
from apps.read_model_updater.http_app import create_updater_app, updater_listener
from apps.read_model_updater.updater_settings import poller_options_from_env
from infrastructure.crypto import local_kek_refusal
from infrastructure.event_loop import run as run_on_event_loop
from infrastructure.http.metrics_route import new_registry
from infrastructure.http.server import ServerStartError, serving
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError
from infrastructure.stream_consumer import ConsumerMetrics
from infrastructure.tracing.export import start_tracing

SERVICE_NAME = "read-model-updater"
logger = logging.getLogger(SERVICE_NAME)


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m apps.read_model_updater", description=__doc__
    ).parse_args(argv)
    try:
        settings = Settings.from_env()
        options = poller_options_from_env()
    except SettingsError as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 2
    refusal = local_kek_refusal(settings, {})
    if refusal is not None:
        print(f"{SERVICE_NAME}: {refusal}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        start_tracing(SERVICE_NAME, os.environ)
    except SettingsError as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 2
    container = ReadModelUpdaterContainer()
    container.settings.override(providers.Object(settings))
    container.poller_options.override(providers.Object(options))
    try:
        return run_on_event_loop(_run(container))
    except ServerStartError as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 1


async def _run(container: ReadModelUpdaterContainer) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _stop_on_signal, stop, signum)
    settings = container.settings()
    logger.info(
        "read-model updater starting",
        extra={
            "table": settings.journal_table_name,
            "dynamodb_endpoint": settings.dynamodb_endpoint_url or "AWS",
        },
    )
    registry = new_registry() if settings.metrics_enabled else None
    metrics = ConsumerMetrics(registry)
    container.consumer_metrics.override(providers.Object(metrics))
    async with AsyncExitStack() as connections:
        await open_connections(container, connections)
        metrics.count_leases_with(container.shard_leases().held_count)
        app = create_updater_app(container, metrics, registry)
        # Up before the poller starts, down once its last batch is checkpointed.
        await connections.enter_async_context(serving([updater_listener(container, app)]))
        poller = container.poller()
        # What start-up built (SDK models, clients, the pool) lives as long as the process: out
        # of the collector's sight, each full collection no longer walks it (a pause that every
        # record waiting behind it would add to its lag).
        gc.collect()
        gc.freeze()
        await poller.run(stop)
    logger.info("read-model updater stopped")
    return 0


def _stop_on_signal(stop: asyncio.Event, signum: signal.Signals) -> None:
    if not stop.is_set():
        logger.info("stopping after the batch in hand", extra={"signal": signum.name})
    stop.set()


if __name__ == "__main__":
    sys.exit(main())

"""`python -m apps.query_api [--in-memory]`: serve the Query API until SIGTERM or SIGINT."""

import argparse
import asyncio
import sys

from dependency_injector import providers

from apps.query_api.app import create_app
from apps.query_api.container import QueryApiContainer, use_in_memory_read_model
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError
from interface_adapter.graphql.server import Listener, ServerStartError, serve

SERVICE_NAME = "query-api"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apps.query_api", description=__doc__)
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help=(
            "read from an empty in-memory read model instead of PostgreSQL (nothing feeds it: "
            "use `python -m apps.in_memory` for both APIs in one process)"
        ),
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level, settings.log_format)
    except (SettingsError, ValueError) as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 2
    container = QueryApiContainer()
    container.settings.override(providers.Object(settings))
    if args.in_memory:
        use_in_memory_read_model(container)
    listener = Listener(
        name=SERVICE_NAME,
        app=create_app(container),
        host=settings.query_api_host,
        port=settings.query_api_port,
        port_variable="QUERY_API_PORT",
        keepalive_timeout=settings.keepalive_timeout_seconds,
        reuse_port=settings.reuse_port,
    )
    try:
        asyncio.run(serve([listener]))
    except ServerStartError as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

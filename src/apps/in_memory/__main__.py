"""`python -m apps.in_memory`: the Command and Query APIs in one process, everything in memory.

Nothing else is started (no DynamoDB, no PostgreSQL, no updater); data is lost on exit.
"""

import argparse
import asyncio
import sys

from dependency_injector import providers

from apps.command_api.app import create_app as create_command_app
from apps.command_api.container import CommandApiContainer
from apps.in_memory.stack import use_in_memory_stack
from apps.query_api.app import create_app as create_query_app
from apps.query_api.container import QueryApiContainer
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError
from interface_adapter.graphql.server import Listener, ServerStartError, serve

SERVICE_NAME = "in-memory"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apps.in_memory", description=__doc__)
    parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level, settings.log_format)
    except (SettingsError, ValueError) as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 2
    command = CommandApiContainer()
    command.settings.override(providers.Object(settings))
    query = QueryApiContainer()
    query.settings.override(providers.Object(settings))
    use_in_memory_stack(command, query)
    listeners = [
        Listener(
            name="command-api",
            app=create_command_app(command),
            host=settings.command_api_host,
            port=settings.command_api_port,
            port_variable="COMMAND_API_PORT",
            keepalive_timeout=settings.keepalive_timeout_seconds,
        ),
        Listener(
            name="query-api",
            app=create_query_app(query),
            host=settings.query_api_host,
            port=settings.query_api_port,
            port_variable="QUERY_API_PORT",
            keepalive_timeout=settings.keepalive_timeout_seconds,
        ),
    ]
    try:
        asyncio.run(serve(listeners))
    except ServerStartError as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

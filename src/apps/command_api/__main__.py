"""`python -m apps.command_api [--in-memory]`: serve the Command API until SIGTERM or SIGINT."""

import argparse
import asyncio
import sys

from dependency_injector import providers

from apps.command_api.app import create_app
from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError
from interface_adapter.graphql.server import Listener, ServerStartError, serve

SERVICE_NAME = "command-api"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apps.command_api", description=__doc__)
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="keep the event journal in memory instead of DynamoDB (lost on exit)",
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level, settings.log_format)
    except (SettingsError, ValueError) as error:
        print(f"{SERVICE_NAME}: {error}", file=sys.stderr)
        return 2
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings))
    if args.in_memory:
        use_in_memory_adapters(container)
    listener = Listener(
        name=SERVICE_NAME,
        app=create_app(container),
        host=settings.command_api_host,
        port=settings.command_api_port,
        port_variable="COMMAND_API_PORT",
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

"""`python -m apps.command_api [--in-memory]`: serve the Command API until SIGTERM or SIGINT."""

import argparse
import sys

from dependency_injector import providers

from apps.command_api.app import create_app
from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from apps.graphql_service import (
    command_api_listener,
    metrics_listener,
    refuse_anonymous_beyond_loopback,
    refuse_local_kek_beyond_loopback,
    serve_until_stopped,
    settings_or_exit,
)

SERVICE_NAME = "command-api"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apps.command_api", description=__doc__)
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="keep the event journal in memory instead of DynamoDB (lost on exit)",
    )
    args = parser.parse_args(argv)
    settings = settings_or_exit(SERVICE_NAME)
    refuse_anonymous_beyond_loopback(
        SERVICE_NAME, settings, {"COMMAND_API_HOST": settings.command_api_host}
    )
    if not args.in_memory:  # in-memory keys need no key-encryption key
        refuse_local_kek_beyond_loopback(
            SERVICE_NAME, settings, {"COMMAND_API_HOST": settings.command_api_host}
        )
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings))
    if args.in_memory:
        use_in_memory_adapters(container)
    app = create_app(container)
    listeners = [
        command_api_listener(settings, app),
        *metrics_listener(SERVICE_NAME, settings.command_api_host, settings, app),
    ]
    return serve_until_stopped(SERVICE_NAME, listeners)


if __name__ == "__main__":
    sys.exit(main())

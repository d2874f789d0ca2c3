"""`python -m apps.in_memory`: the Command and Query APIs in one process, everything in memory.

Nothing else is started (no DynamoDB, no PostgreSQL, no updater); data is lost on exit.
"""

import argparse
import sys

from dependency_injector import providers

from apps.command_api.app import create_app as create_command_app
from apps.command_api.container import CommandApiContainer
from apps.graphql_service import (
    command_api_listener,
    query_api_listener,
    refuse_anonymous_beyond_loopback,
    serve_until_stopped,
    settings_or_exit,
)
from apps.in_memory.stack import use_in_memory_stack
from apps.query_api.app import create_app as create_query_app
from apps.query_api.container import QueryApiContainer

SERVICE_NAME = "in-memory"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apps.in_memory", description=__doc__)
    parser.parse_args(argv)
    settings = settings_or_exit(SERVICE_NAME)
    refuse_anonymous_beyond_loopback(
        SERVICE_NAME,
        settings,
        {
            "COMMAND_API_HOST": settings.command_api_host,
            "QUERY_API_HOST": settings.query_api_host,
        },
    )
    command = CommandApiContainer()
    command.settings.override(providers.Object(settings))
    query = QueryApiContainer()
    query.settings.override(providers.Object(settings))
    use_in_memory_stack(command, query)
    listeners = [
        command_api_listener(settings, create_command_app(command)),
        query_api_listener(settings, create_query_app(query)),
    ]
    return serve_until_stopped(SERVICE_NAME, listeners)


if __name__ == "__main__":
    sys.exit(main())

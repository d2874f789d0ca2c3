"""`python -m apps.query_api [--in-memory]`: serve the Query API until SIGTERM or SIGINT."""

import argparse
import sys

from dependency_injector import providers

from apps.graphql_service import (
    metrics_listener,
    query_api_listener,
    refuse_anonymous_beyond_loopback,
    serve_until_stopped,
    settings_or_exit,
)
from apps.query_api.app import create_app
from apps.query_api.container import QueryApiContainer, use_in_memory_read_model

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
    settings = settings_or_exit(SERVICE_NAME)
    refuse_anonymous_beyond_loopback(
        SERVICE_NAME, settings, {"QUERY_API_HOST": settings.query_api_host}
    )
    container = QueryApiContainer()
    container.settings.override(providers.Object(settings))
    if args.in_memory:
        use_in_memory_read_model(container)
    app = create_app(container)
    listeners = [
        query_api_listener(settings, app),
        *metrics_listener(SERVICE_NAME, settings.query_api_host, settings, app),
    ]
    return serve_until_stopped(SERVICE_NAME, listeners)


if __name__ == "__main__":
    sys.exit(main())

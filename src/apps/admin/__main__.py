"""Entry point of the operator commands: `python -m apps.admin create-tables|migrate`."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from apps.admin import create_tables, migrate
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError

# Each subcommand module adds its parser and sets `run(settings, args) -> Awaitable[int]`.
SUBCOMMANDS = (create_tables, migrate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m apps.admin",
        description="Operator commands; configuration comes from the environment (README).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for subcommand in SUBCOMMANDS:
        subcommand.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    exit_code: int = asyncio.run(args.run(settings, args))
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

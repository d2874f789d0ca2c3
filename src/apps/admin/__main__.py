"""Entry point of the operator commands: `python -m apps.admin COMMAND` (README, Operator
commands). Exit status: 0 done, 1 failed, 2 misused (a usage or configuration error)."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from apps.admin import (
    checkpoints,
    create_tables,
    dead_letters,
    migrate,
    rebuild_read_model,
    status,
)
from apps.admin.terminal import FAILED, MISUSE
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError

# Each subcommand module adds its parser and sets `run(settings, args) -> Awaitable[int]`.
SUBCOMMANDS = (create_tables, migrate, rebuild_read_model, dead_letters, checkpoints, status)
# Those that print for the operator themselves (rich): their log lines below WARNING would
# only interleave with it.
_PRINTING = {"rebuild-read-model", "dead-letters", "checkpoints", "status"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m apps.admin",
        description="Operator commands; configuration comes from the environment (README). "
        "Exit status: 0 done, 1 failed, 2 misused.",
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
        return MISUSE
    configure_logging(settings.log_level, settings.log_format)
    if args.command in _PRINTING:
        root = logging.getLogger()
        root.setLevel(max(root.level, logging.WARNING))
    try:
        exit_code: int = asyncio.run(args.run(settings, args))
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return MISUSE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return FAILED
    except Exception as error:
        # An unreachable store, a refused call: the operator needs its kind and text, not a trace.
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return FAILED
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

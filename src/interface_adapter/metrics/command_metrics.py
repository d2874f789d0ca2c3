"""PrometheusCommandObserver: the command use cases' CommandObserver, as Prometheus counters."""

import asyncio

from prometheus_client import CollectorRegistry

from infrastructure.http.error_codes import HttpErrorCode
from infrastructure.loop_metrics import Count, LoopCounter
from interface_adapter.graphql.command.error_mapping import rejection_code
from use_case.user_account import (
    create_user_account,
    delete_user_account,
    erase_user_account,
    rename_user_account,
)
from use_case.user_account.outcome import CommandRejected

OK = "ok"
COMMANDS = (
    create_user_account.NAME,
    rename_user_account.NAME,
    delete_user_account.NAME,
    erase_user_account.NAME,
)


class PrometheusCommandObserver:
    """`commands_total{command,outcome}` (outcome: `ok` or the error code the client sees),
    `concurrency_conflicts_total`, `aggregate_cache_hits_total`, `aggregate_cache_misses_total`.

    Label children are looked up once and kept (the accepted ones from the start, so that each
    command's series exists at 0 before its first request).
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._commands = LoopCounter(
            "commands_total",
            "Commands handled, by use case and outcome (ok, or the error code answered)",
            ["command", "outcome"],
            registry=registry,
        )
        self._conflicts = LoopCounter(
            "concurrency_conflicts",
            "Appends that met their sequence number taken (the command was decided again)",
            registry=registry,
        ).labels()
        self._hits = LoopCounter(
            "aggregate_cache_hits",
            "Commands on an existing account decided first on the state cached in the process",
            registry=registry,
        ).labels()
        self._misses = LoopCounter(
            "aggregate_cache_misses",
            "Commands on an existing account that found no cached state and loaded it",
            registry=registry,
        ).labels()
        self._children: dict[tuple[str, str], Count] = {
            (command, OK): self._commands.labels(command, OK) for command in COMMANDS
        }
        self._codes: dict[type, str] = {}

    def command_accepted(self, command: str) -> None:
        self._count(command, OK)

    def command_rejected(self, command: str, rejection: CommandRejected) -> None:
        kind = type(rejection)
        code = self._codes.get(kind)
        if code is None:
            code = self._codes[kind] = rejection_code(rejection)
        self._count(command, code)

    def command_raised(self, command: str, error: BaseException) -> None:
        # Cancelled: the request's time limit ran out (what the client is answered).
        cancelled = isinstance(error, asyncio.CancelledError)
        code = HttpErrorCode.REQUEST_TIMEOUT if cancelled else HttpErrorCode.INTERNAL_ERROR
        self._count(command, str(code))

    def concurrency_conflict(self) -> None:
        self._conflicts.value += 1

    def aggregate_cache_hit(self) -> None:
        self._hits.value += 1

    def aggregate_cache_miss(self) -> None:
        self._misses.value += 1

    def _count(self, command: str, outcome: str) -> None:
        key = (command, outcome)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._commands.labels(command, outcome)
        child.value += 1

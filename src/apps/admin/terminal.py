"""What an operator command prints: results on stdout (tables, or JSON for a script), progress,
prompts and errors on stderr; and the exit statuses (0 done, 1 failed, 2 misused)."""

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

OK = 0
FAILED = 1
MISUSE = 2

# Without a terminal (a pipe, a file) rich would wrap tables at 80 columns.
_WIDTH_WITHOUT_TERMINAL = 160


@dataclass(frozen=True, slots=True)
class Terminal:
    out: Console
    err: Console
    stdin: TextIO

    @staticmethod
    def standard() -> "Terminal":
        return Terminal(_console(sys.stdout), _console(sys.stderr), sys.stdin)

    def say(self, message: str, *, style: str | None = None) -> None:
        """A line of result on stdout; `message` is printed as it is (never read as markup)."""
        self.out.print(Text(message, style=style or ""))

    def note(self, message: str) -> None:
        """A line for the operator only (stderr): what a script parsing stdout must not see."""
        self.err.print(Text(message, style="dim"))

    def fail(self, message: str) -> int:
        self.err.print(Text(f"error: {message}", style="red"))
        return FAILED

    def json(self, value: Any) -> None:
        self.out.file.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")
        self.out.file.flush()

    def confirm(self, question: str, *, assume_yes: bool) -> bool:
        """True once the operator answers y or yes (or `assume_yes`: --yes); no answer (end of
        input) is a no."""
        if assume_yes:
            return True
        self.err.print(Text(f"{question} [y/N] ", style="bold"), end="")
        answer = self.stdin.readline()
        if not self.stdin.isatty():
            self.err.print()  # no terminal echoed the answer and its newline
        return answer.strip().lower() in ("y", "yes")

    @contextmanager
    def progress(
        self, description: str, total: int | None, *, rate_unit: str | None = None
    ) -> Iterator["Advance"]:
        """A progress bar on stderr, gone once the block is over; `total` None: unknown. None
        without a terminal: a log file or a script's pipe gets no redrawn lines. `rate_unit`:
        also the rate, e.g. "events/s"."""
        columns: tuple[ProgressColumn, ...] = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        if rate_unit is not None:
            columns += (RateColumn(rate_unit),)
        shown = self.err.is_terminal
        with Progress(*columns, console=self.err, transient=True, disable=not shown) as progress:
            task = progress.add_task(description, total=total)
            yield Advance(progress, task)


@dataclass(frozen=True, slots=True)
class Advance:
    """Moves one progress bar on; a total that turns out too small grows with it."""

    progress: Progress
    task: TaskID

    def __call__(self, count: int) -> None:
        self.progress.advance(self.task, count)
        task = next(task for task in self.progress.tasks if task.id == self.task)
        if task.total is not None and task.completed > task.total:
            self.progress.update(self.task, total=task.completed)


class RateColumn(ProgressColumn):
    """The task's recent rate, e.g. `1,234 events/s`."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self._unit = unit

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f} {self._unit}", style="cyan")


def _console(stream: TextIO) -> Console:
    width = None if stream.isatty() or "COLUMNS" in os.environ else _WIDTH_WITHOUT_TERMINAL
    return Console(file=stream, width=width, highlight=False)

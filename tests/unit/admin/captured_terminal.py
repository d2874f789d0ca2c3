"""A Terminal whose stdout and stderr are strings, and whose operator answers `answers`."""

import io
from dataclasses import dataclass

from rich.console import Console

from apps.admin.terminal import Terminal


@dataclass
class Captured:
    terminal: Terminal
    _out: io.StringIO
    _err: io.StringIO

    @property
    def out(self) -> str:
        return self._out.getvalue()

    @property
    def err(self) -> str:
        return self._err.getvalue()


def captured(answers: str = "") -> Captured:
    out, err = io.StringIO(), io.StringIO()

    def console(file: io.StringIO) -> Console:
        return Console(file=file, width=200, color_system=None, highlight=False)

    return Captured(Terminal(console(out), console(err), io.StringIO(answers)), out, err)

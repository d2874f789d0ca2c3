"""Progress on stderr: a line per phase, and a counter that redraws itself on a terminal."""

import sys
import time


class Progress:
    def __init__(self) -> None:
        self._started = time.monotonic()
        self._tty = sys.stderr.isatty()
        self._scenario = ""
        self._last_count_print = 0.0

    def _stamp(self) -> str:
        return f"[{time.monotonic() - self._started:6.1f}s]"

    def scenario(self, number: int, total: int, title: str) -> None:
        self._scenario = f"{number}/{total}"
        self._line(f"── scenario {number}/{total}: {title}")

    def phase(self, message: str) -> None:
        self._line(f"   {message}")

    def count(self, label: str, done: int, total: int) -> None:
        """`done` of `total` items of `label`; redrawn in place on a terminal, else every 2 s."""
        now = time.monotonic()
        finished = done >= total
        if self._tty:
            end = "\n" if finished else ""
            sys.stderr.write(f"\r{self._stamp()}    {label}: {done:,}/{total:,}{end}")
            sys.stderr.flush()
        elif finished or now - self._last_count_print >= 2.0:
            self._last_count_print = now
            self._line(f"   {label}: {done:,}/{total:,}")

    def _line(self, message: str) -> None:
        sys.stderr.write(f"{self._stamp()} {message}\n")
        sys.stderr.flush()

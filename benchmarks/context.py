"""What a scenario gets from the runner: the mode, directories, progress, services."""

import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from benchmarks.progress import Progress
from benchmarks.services import Postgres

T = TypeVar("T")


@dataclass(slots=True)
class BenchContext:
    quick: bool
    work_dir: Path  # temporary, deleted after the run
    log_dir: Path  # kept: .run/bench/logs, the services' logs of the latest run
    progress: Progress
    _postgres: Postgres | None = field(default=None, init=False)

    def size(self, quick: T, full: T) -> T:
        """`quick` in --quick mode, else `full`."""
        return quick if self.quick else full

    async def database(self, name: str) -> str:
        """The URL of a new, migrated database `name` on the run's PostgreSQL (started once)."""
        if self._postgres is None:
            self.progress.phase("starting PostgreSQL in the run's temporary directory")
            postgres = Postgres(self.work_dir / "postgres")
            await postgres.start()
            self._postgres = postgres
        return await self._postgres.fresh_database(name)

    async def close(self) -> None:
        if self._postgres is not None:
            await self._postgres.stop()
            self._postgres = None


def machine() -> dict[str, str | int]:
    """The machine the figures come from."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return {
        "cpus": os.cpu_count() or 0,
        "cpu_model": model or platform.processor(),
        "system": platform.platform(),
        "python": platform.python_version(),
    }

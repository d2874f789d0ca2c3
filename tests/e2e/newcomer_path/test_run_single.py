"""The newcomer's path, as a new user runs it: up, status, e2e, GraphQL checks, down → up, down."""

import re
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.newcomer_path.stack_runner import Stack, alive

pytestmark = pytest.mark.e2e

GET = "query($id: String!) { getUserAccount(userAccountId: $id) { fullName version } }"
CREATE = "mutation($i: CreateUserAccountInput!) { createUserAccount(input: $i) { id version } }"
RENAME = "mutation($i: RenameUserAccountInput!) { renameUserAccount(input: $i) { id version } }"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.on_free_ports(tmp_path_factory.mktemp("newcomer") / "run")
    try:
        yield stack
    finally:
        stack.run("run-single.sh", "down", "--volumes")


def wait_for_account(stack: Stack, account_id: str, version: int) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        account = stack.graphql("query", GET, {"id": account_id})["data"]["getUserAccount"]
        if account is not None and account["version"] >= version:
            return account
        assert time.monotonic() < deadline, f"{account_id}@{version} never reached the Query API"
        time.sleep(0.1)


def test_up_starts_every_service_and_prints_the_urls(stack: Stack) -> None:
    result = stack.run("run-single.sh", "up")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"http://127.0.0.1:{stack.env['COMMAND_API_PORT']}/api/graphql" in result.stdout
    assert f"http://127.0.0.1:{stack.env['QUERY_API_PORT']}/api/graphql" in result.stdout


def environ_of(stack: Stack, name: str) -> dict[str, str]:
    pid = int((stack.run_dir / "pids" / f"{name}.pid").read_text())
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_up_makes_the_key_encryption_key_that_the_services_use(stack: Stack) -> None:
    kek_file = stack.run_dir / "keys" / "key-encryption-key"

    assert kek_file.stat().st_size == 32
    assert stat.S_IMODE(kek_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(kek_file.parent.stat().st_mode) == 0o700
    for name in ("command-api", "read-model-updater"):
        environ = environ_of(stack, name)
        assert environ["LOCAL_KEK_FILE"] == str(kek_file), name
        assert not environ.get("KMS_KEY_ID"), name


def test_up_again_changes_nothing(stack: Stack) -> None:
    pids_before = sorted(stack.pids())
    result = stack.run("run-single.sh", "up")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "already running" in result.stdout
    assert sorted(stack.pids()) == pids_before


def test_status_shows_one_running_line_per_service(stack: Stack) -> None:
    result = stack.run("run-single.sh", "status")
    lines = result.stdout.splitlines()
    names = ["dynamodb", "postgres", "read-model-updater", "command-api", "query-api"]
    assert [line.split()[0] for line in lines] == names
    assert all(line.split()[1] == "running" for line in lines), result.stdout


def test_the_e2e_script_prints_only_check_marks(stack: Stack) -> None:
    result = stack.run("test-e2e.sh")
    assert result.returncode == 0, result.stdout + result.stderr
    checks = [line for line in result.stdout.splitlines() if line[:1] in ("✓", "✗")]
    assert len(checks) >= 9
    assert all(line.startswith("✓") for line in checks), result.stdout


def test_the_graphql_script_passes(stack: Stack) -> None:
    result = stack.run("test-graphql.sh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout


def test_status_shows_the_updaters_port_and_lag(stack: Stack) -> None:
    result = stack.run("run-single.sh", "status")
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("read-model-updater")]
    assert line.split()[5] == stack.env["UPDATER_HTTP_PORT"], line
    # The e2e and GraphQL scripts wrote events: the updater has applied records.
    assert re.search(r"lag: [0-9]+\.[0-9]{3} s$", line), line


def test_logs_show_a_service_log(stack: Stack) -> None:
    result = stack.run("run-single.sh", "logs", "command-api")
    assert result.returncode == 0
    assert "listening" in result.stdout


def test_data_survives_down_and_up_on_both_sides(stack: Stack) -> None:
    created = stack.graphql(
        "command",
        CREATE,
        {"i": {"firstName": "Hana", "lastName": "Durable", "emailAddress": "hana@example.com"}},
    )["data"]["createUserAccount"]
    wait_for_account(stack, created["id"], 1)
    kek = (stack.run_dir / "keys" / "key-encryption-key").read_bytes()

    down = stack.run("run-single.sh", "down")
    assert down.returncode == 0, down.stdout + down.stderr
    up = stack.run("run-single.sh", "up")
    assert up.returncode == 0, up.stdout + up.stderr

    assert (stack.run_dir / "keys" / "key-encryption-key").read_bytes() == kek

    assert wait_for_account(stack, created["id"], 1)["fullName"] == "Hana Durable"
    renamed = stack.graphql(
        "command",
        RENAME,
        {"i": {"userAccountId": created["id"], "firstName": "Hana", "lastName": "Kept"}},
    )["data"]["renameUserAccount"]
    assert renamed["version"] == 2
    assert wait_for_account(stack, created["id"], 2)["fullName"] == "Hana Kept"


def test_down_volumes_leaves_no_process_and_no_data(stack: Stack) -> None:
    pids = stack.pids()
    assert pids
    result = stack.run("run-single.sh", "down", "--volumes")
    assert result.returncode == 0, result.stdout + result.stderr
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in pids if alive(pid)] == []
    assert not Path(stack.run_dir).exists()


def test_in_memory_mode_passes_the_e2e_script(tmp_path: Path) -> None:
    stack = Stack.on_free_ports(tmp_path / "run")
    try:
        up = stack.run("run-single.sh", "up", "--in-memory")
        assert up.returncode == 0, up.stdout + up.stderr
        status = stack.run("run-single.sh", "status").stdout
        assert "command-api" in status
        assert "in-memory" in status
        e2e = stack.run("test-e2e.sh")
        assert e2e.returncode == 0, e2e.stdout + e2e.stderr
        pids = stack.pids()
        assert not (stack.run_dir / "keys").exists()  # in-memory keys need no key file
    finally:
        stack.run("run-single.sh", "down", "--volumes")
    assert [pid for pid in pids if alive(pid)] == []


def test_a_service_that_cannot_start_fails_up_with_its_log(tmp_path: Path) -> None:
    stack = Stack.on_free_ports(tmp_path / "run")
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind(("127.0.0.1", int(stack.env["COMMAND_API_PORT"])))
    blocker.listen()
    try:
        up = stack.run("run-single.sh", "up", "--in-memory")
    finally:
        blocker.close()
        stack.run("run-single.sh", "down", "--volumes")
    assert up.returncode != 0
    assert "COMMAND_API_PORT" in up.stderr

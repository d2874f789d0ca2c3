"""`./scripts/run-single.sh admin …` against a local stack whose updater parked a record: an
undecodable journal item is listed, shown, retried (it fails again and stays), and purged."""

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.e2e.newcomer_path.stack_runner import REPO_ROOT, Stack

pytestmark = pytest.mark.e2e

BROKEN_ID = "01JD0000000000000000000000"
# Bytes that no protobuf envelope parses to.
CORRUPT_PAYLOAD = b"\x00\xffnot an envelope"
# The updater parks the record after its attempts and their backoff: a limit to the wait only.
PARK_WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.on_free_ports(tmp_path_factory.mktemp("operator") / "run")
    try:
        result = stack.run("run-single.sh", "up")
        assert result.returncode == 0, result.stdout + result.stderr
        yield stack
    finally:
        stack.run("run-single.sh", "down", "--volumes")


def admin(stack: Stack, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO_ROOT / "scripts" / "run-single.sh"), "admin", *args],
        cwd=REPO_ROOT,
        env=stack.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def admin_json(stack: Stack, *args: str) -> Any:
    result = admin(stack, *args, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def write_undecodable_item(stack: Stack) -> None:
    """A journal item whose payload no decoder reads, as a corrupt or foreign write would be."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=stack.env["DYNAMODB_ENDPOINT_URL"],
        region_name="ap-northeast-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    client.put_item(
        TableName="journal",
        Item={
            "pkey": {"S": f"UserAccount-{BROKEN_ID}"},
            "skey": {"N": "1"},
            "aggregate_id": {"S": BROKEN_ID},
            "event_type": {"S": "UserAccountEvent.Created"},
            "event_version": {"S": "V1"},
            "payload": {"B": CORRUPT_PAYLOAD},
        },
    )


def parked(stack: Stack) -> list[dict[str, Any]]:
    deadline = time.monotonic() + PARK_WAIT_SECONDS
    while True:
        letters: list[dict[str, Any]] = admin_json(stack, "dead-letters", "list")
        if letters:
            return letters
        assert time.monotonic() < deadline, "the updater never parked the undecodable record"
        time.sleep(0.5)


def test_a_parked_record_is_listed_shown_retried_and_purged(stack: Stack) -> None:
    write_undecodable_item(stack)
    [letter] = parked(stack)
    assert (letter["account_id"], letter["event_type"], letter["seq_nr"]) == (
        BROKEN_ID,
        "UserAccountEvent.Created",
        1,
    )
    assert letter["error"].startswith("DeserializationError")
    attempts = letter["attempts"]
    letter_id = str(letter["id"])

    listed = admin(stack, "dead-letters", "list")
    assert listed.returncode == 0, listed.stderr
    assert "1 dead letter(s), all shown" in listed.stdout
    shown = admin(stack, "dead-letters", "show", letter_id)
    assert shown.returncode == 0, shown.stderr
    assert letter["sequence_number"] in shown.stdout
    assert f"UserAccount-{BROKEN_ID} #1" in shown.stdout

    retried = admin(stack, "dead-letters", "retry", letter_id)
    assert retried.returncode == 1
    assert f"✗ {letter_id} failed again" in retried.stdout
    [still] = admin_json(stack, "dead-letters", "list")
    assert (still["id"], still["attempts"]) == (letter["id"], attempts + 1)

    declined = admin(stack, "dead-letters", "purge", letter_id, stdin="n\n")
    assert declined.returncode == 1
    assert "nothing purged" in declined.stderr
    assert len(admin_json(stack, "dead-letters", "list")) == 1
    purged = admin(stack, "dead-letters", "purge", letter_id, "--yes")
    assert purged.returncode == 0, purged.stderr
    assert admin_json(stack, "dead-letters", "list") == []


def test_status_shows_the_shard_and_the_accounts(stack: Stack) -> None:
    result = admin(stack, "status")
    assert result.returncode == 0, result.stderr
    assert "dead letters: 0" in result.stdout
    report = admin_json(stack, "status")
    [shard] = report["shards"]
    assert shard["lease_owner"] is not None  # the stack's updater reads it
    assert report["journal"]["events"] == 1


def test_a_reset_needs_the_updater_stopped(stack: Stack) -> None:
    [shard] = admin_json(stack, "checkpoints", "show")["shards"]
    refused = admin(stack, "checkpoints", "reset", shard["shard_id"], "--to", "latest", "--yes")
    assert refused.returncode == 1
    assert "stop the updaters first" in refused.stderr

    stopped = stack.run("run-single.sh", "stop", "read-model-updater")
    assert stopped.returncode == 0, stopped.stderr
    reset = admin(stack, "checkpoints", "reset", shard["shard_id"], "--to", "trim-horizon", "--yes")
    assert reset.returncode == 0, reset.stdout + reset.stderr
    [after] = admin_json(stack, "checkpoints", "show")["shards"]
    assert (after["checkpoint"], after["lease_owner"]) == (None, None)
    restarted = stack.run("run-single.sh", "up")
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr


def test_misuse_exits_2_and_a_stopped_stack_1(stack: Stack) -> None:
    misuse = admin(stack, "dead-letters", "retry")
    assert misuse.returncode == 2
    assert "usage:" in misuse.stderr
    stack.run("run-single.sh", "down")
    stopped = admin(stack, "status")
    assert stopped.returncode == 1
    assert "not running" in stopped.stderr

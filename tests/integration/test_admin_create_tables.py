"""`python -m apps.admin create-tables` against moto: creates the three tables, then finds them."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration

SRC = Path(__file__).resolve().parents[2] / "src"


def run_admin(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apps.admin", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_create_tables_is_idempotent(moto_endpoint: str, dynamodb: Any) -> None:
    suffix = uuid4().hex[:12]
    journal, snapshot = f"journal-cli-{suffix}", f"snapshot-cli-{suffix}"
    keys = f"keys-cli-{suffix}"
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DYNAMODB_ENDPOINT_URL": moto_endpoint,
        "JOURNAL_TABLE_NAME": journal,
        "SNAPSHOT_TABLE_NAME": snapshot,
        "KEY_TABLE_NAME": keys,
        "LOG_FORMAT": "console",
    }
    try:
        first = run_admin("create-tables", env=env)
        assert first.returncode == 0, first.stderr
        assert f"table {journal} created" in first.stderr
        assert f"table {snapshot} created" in first.stderr
        assert f"table {keys} created" in first.stderr

        second = run_admin("create-tables", env=env)
        assert second.returncode == 0, second.stderr
        assert f"table {journal} already exists" in second.stderr
        assert f"table {keys} already exists" in second.stderr

        table = (await dynamodb.describe_table(TableName=journal))["Table"]
        assert table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
        key_table = (await dynamodb.describe_table(TableName=keys))["Table"]
        assert key_table["KeySchema"] == [{"AttributeName": "pkey", "KeyType": "HASH"}]
        assert "StreamSpecification" not in key_table  # nothing reads keys from a stream
    finally:
        for name in (journal, snapshot, keys):
            with contextlib.suppress(ClientError):  # not created: the assertions above tell why
                await dynamodb.delete_table(TableName=name)


def test_an_unknown_subcommand_is_a_usage_error() -> None:
    result = run_admin("no-such-command", env={**os.environ, "PYTHONPATH": str(SRC)})
    assert result.returncode == 2
    assert "invalid choice" in result.stderr

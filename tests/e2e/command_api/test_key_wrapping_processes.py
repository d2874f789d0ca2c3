"""The services as processes: without KMS_KEY_ID, the default local key file is the local
stack's, so a Command API beyond loopback or an updater against AWS refuses to start, saying
what to set; an explicit LOCAL_KEK_FILE serves and is made on first use."""

import asyncio
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

import aiohttp
import pytest

from tests.support.api_process import START_TIMEOUT_SECONDS, running_app, wait_until_healthy
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

SRC = Path(__file__).resolve().parents[3] / "src"
# Serving without authentication beyond loopback is asked for: protected mode lets it pass.
BEYOND_LOOPBACK = {"COMMAND_API_HOST": "0.0.0.0", "AUTH_MODE": "off", "AUTH_ALLOW_ANONYMOUS": "1"}
NO_KEY_SETTINGS = {"KMS_KEY_ID": "", "LOCAL_KEK_FILE": ""}


def command_api_env(**extra: str) -> dict[str, str]:
    return {
        **NO_KEY_SETTINGS,
        **BEYOND_LOOPBACK,
        "COMMAND_API_PORT": str(free_port()),
        "DYNAMODB_ENDPOINT_URL": "http://127.0.0.1:9",
        **extra,
    }


async def exit_of(module: str, args: list[str], env: Mapping[str, str]) -> tuple[int, str]:
    async with running_app(module, args, env) as process:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=START_TIMEOUT_SECONDS)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_a_command_api_beyond_loopback_refuses_the_default_key_file() -> None:
    code, stderr = await exit_of("apps.command_api", [], command_api_env())

    assert code == 2
    assert "COMMAND_API_HOST=0.0.0.0" in stderr
    assert "default local key file (.run/keys/key-encryption-key)" in stderr
    assert "Set KMS_KEY_ID" in stderr
    assert "LOCAL_KEK_FILE" in stderr


async def test_an_updater_against_aws_refuses_the_default_key_file() -> None:
    env = {**NO_KEY_SETTINGS, "DYNAMODB_ENDPOINT_URL": ""}

    code, stderr = await exit_of("apps.read_model_updater", [], env)

    assert code == 2
    assert "DYNAMODB_ENDPOINT_URL empty (AWS itself)" in stderr


async def test_kms_and_a_key_file_together_stop_the_process_naming_both() -> None:
    env = command_api_env(KMS_KEY_ID="alias/data-keys", LOCAL_KEK_FILE="/tmp/kek")

    code, stderr = await exit_of("apps.command_api", [], env)

    assert code == 2
    assert "KMS_KEY_ID and LOCAL_KEK_FILE are both set" in stderr


async def test_in_memory_mode_needs_no_key_file_anywhere() -> None:
    env = command_api_env()
    base_url = f"http://127.0.0.1:{env['COMMAND_API_PORT']}"
    async with (
        running_app("apps.command_api", ["--in-memory"], env) as process,
        aiohttp.ClientSession() as session,
    ):
        await wait_until_healthy(session, base_url, process)


async def test_an_explicit_key_file_serves_beyond_loopback_and_is_made_private(
    tmp_path: Path,
) -> None:
    kek_file = tmp_path / "keys" / "key-encryption-key"
    env = command_api_env(LOCAL_KEK_FILE=str(kek_file))
    base_url = f"http://127.0.0.1:{env['COMMAND_API_PORT']}"
    async with (
        running_app("apps.command_api", [], env) as process,
        aiohttp.ClientSession() as session,
    ):
        await wait_until_healthy(session, base_url, process)
        async with session.get(f"{base_url}/api/health/ready") as response:
            checks = (await response.json())["checks"]

    assert checks["keys"] == "ok"  # DynamoDB is unreachable here; the key file is not
    assert stat.S_IMODE(os.stat(kek_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(kek_file.parent).st_mode) == 0o700


async def test_processes_starting_at_once_agree_on_one_key_file(tmp_path: Path) -> None:
    kek_file = tmp_path / "keys" / "key-encryption-key"
    script = (
        "import sys; from infrastructure.crypto import load_or_create_key_file; "
        "print(load_or_create_key_file(sys.argv[1]).hex())"
    )
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            script,
            str(kek_file),
            env={**os.environ, "PYTHONPATH": str(SRC)},
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(6)
    ]
    outputs = [await process.communicate() for process in processes]

    assert [process.returncode for process in processes] == [0] * 6
    keys = {stdout.decode().strip() for stdout, _ in outputs}
    assert keys == {kek_file.read_bytes().hex()}
    assert [path.name for path in kek_file.parent.iterdir()] == ["key-encryption-key"]

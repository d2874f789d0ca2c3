"""The services as processes: protected mode (SPEC §8.1 AUTH_ALLOW_ANONYMOUS) refuses to serve
without authentication beyond loopback, and jwt mode set by the environment guards
POST /api/graphql."""

import asyncio
import json
from collections.abc import Mapping
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.auth.served import CREATE, UNAUTHENTICATED_BODY
from tests.support.api_process import START_TIMEOUT_SECONDS, running_app, wait_until_healthy
from tests.support.ports import free_port
from tests.support.tokens import AUDIENCE, ISSUER, IssuerKeys

pytestmark = pytest.mark.e2e

# Every interface: what protected mode is about. Tests only ever connect through 127.0.0.1.
ALL_INTERFACES = "0.0.0.0"
ANONYMOUS = {"AUTH_MODE": "off", "AUTH_ALLOW_ANONYMOUS": "false"}


def ports(**hosts: str) -> dict[str, str]:
    env = {**ANONYMOUS, "COMMAND_API_HOST": "127.0.0.1", "QUERY_API_HOST": "127.0.0.1"}
    env.update(hosts)
    env.update(COMMAND_API_PORT=str(free_port()), QUERY_API_PORT=str(free_port()))
    return env


async def exit_of(module: str, args: list[str], env: Mapping[str, str]) -> tuple[int, str]:
    async with running_app(module, args, env) as process:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=START_TIMEOUT_SECONDS)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


@pytest.mark.parametrize(
    ("module", "args", "variable"),
    [
        ("apps.command_api", ["--in-memory"], "COMMAND_API_HOST"),
        ("apps.query_api", ["--in-memory"], "QUERY_API_HOST"),
        ("apps.in_memory", [], "COMMAND_API_HOST"),
        ("apps.in_memory", [], "QUERY_API_HOST"),
    ],
)
async def test_no_authentication_beyond_loopback_refuses_to_start_and_says_what_to_set(
    module: str, args: list[str], variable: str
) -> None:
    code, stderr = await exit_of(module, args, ports(**{variable: ALL_INTERFACES}))

    assert code == 2
    assert f"{variable}={ALL_INTERFACES}" in stderr
    assert "protected mode" in stderr
    assert "AUTH_MODE=jwt" in stderr
    assert "AUTH_ALLOW_ANONYMOUS=true" in stderr


@pytest.mark.parametrize("extra", [{"AUTH_ALLOW_ANONYMOUS": "true"}, {}])
async def test_anonymity_asked_for_or_loopback_serves_without_a_token(
    extra: dict[str, str],
) -> None:
    host = ALL_INTERFACES if extra else "127.0.0.1"
    env = {**ports(COMMAND_API_HOST=host), **extra}
    base_url = f"http://127.0.0.1:{env['COMMAND_API_PORT']}"
    async with (
        running_app("apps.command_api", ["--in-memory"], env) as process,
        aiohttp.ClientSession() as session,
    ):
        await wait_until_healthy(session, base_url, process)
        async with session.post(f"{base_url}/api/graphql", json={"query": CREATE}) as response:
            assert response.status == 200


async def test_jwt_mode_from_the_environment_guards_the_command_api(tmp_path: Path) -> None:
    issuer = IssuerKeys()
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(issuer.jwks()))
    env = {
        **ports(COMMAND_API_HOST=ALL_INTERFACES),
        "AUTH_MODE": "jwt",
        "AUTH_ISSUER": ISSUER,
        "AUTH_AUDIENCE": AUDIENCE,
        "AUTH_JWKS_FILE": str(jwks_file),
    }
    base_url = f"http://127.0.0.1:{env['COMMAND_API_PORT']}"
    async with (
        running_app("apps.command_api", ["--in-memory"], env) as process,
        aiohttp.ClientSession() as session,
    ):
        await wait_until_healthy(session, base_url, process)
        async with session.post(f"{base_url}/api/graphql", json={"query": CREATE}) as refused:
            assert refused.status == 401
            assert await refused.read() == UNAUTHENTICATED_BODY
        async with session.post(
            f"{base_url}/api/graphql",
            json={"query": CREATE},
            headers={"Authorization": f"Bearer {issuer.token()}"},
        ) as accepted:
            assert accepted.status == 200
            assert (await accepted.json())["data"]["createUserAccount"]["version"] == 1

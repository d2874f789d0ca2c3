"""`run-single.sh up --auth` and `token` (SPEC §8.3): keys, services in jwt mode, valid tokens, the
check scripts sending tokens (a token-checking proxy stands in for the services' guard but in the
last two tests), and a stack in the other mode refused until down."""

import asyncio
import json
import stat
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from infrastructure.settings import Settings
from tests.e2e.newcomer_path.stack_runner import Stack, alive
from tests.e2e.newcomer_path.token_checking_proxy import TokenCheckingProxy, token_checking_proxy
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

CREATE = "mutation($i: CreateUserAccountInput!) { createUserAccount(input: $i) { id version } }"


@pytest.fixture(scope="module")
def auth_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.on_free_ports(tmp_path_factory.mktemp("auth") / "run")
    try:
        up = stack.run("run-single.sh", "up", "--in-memory", "--auth")
        assert up.returncode == 0, up.stdout + up.stderr
        yield stack
    finally:
        stack.run("run-single.sh", "down", "--volumes")


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def pid_of(stack: Stack, name: str) -> int:
    return int((stack.run_dir / "pids" / f"{name}.pid").read_text())


def token(stack: Stack, *options: str) -> str:
    result = stack.run("run-single.sh", "token", *options)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    return line


def claims_of(stack: Stack, token: str, audience: str = "pcqrses") -> dict[str, Any]:
    jwks = jwt.PyJWKSet.from_dict(json.loads((stack.run_dir / "auth" / "jwks.json").read_text()))
    key = jwks[jwt.get_unverified_header(token)["kid"]]
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], issuer="pcqrses-local", audience=audience
    )
    return claims


def check_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line[:1] in ("✓", "✗")]


def test_up_auth_makes_the_key_pair_under_the_run_directory(auth_stack: Stack) -> None:
    key = auth_stack.run_dir / "auth" / "issuer-key.pem"
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")  # PKCS#8
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    (jwk,) = json.loads((auth_stack.run_dir / "auth" / "jwks.json").read_text())["keys"]
    assert (jwk["kty"], jwk["alg"], jwk["use"]) == ("RSA", "RS256", "sig")


def test_the_services_are_started_in_jwt_mode_with_the_local_issuer(auth_stack: Stack) -> None:
    environ = environ_of(pid_of(auth_stack, "in-memory"))

    settings = Settings.from_env(environ)
    assert settings.auth_mode == "jwt"
    assert settings.auth_issuer == "pcqrses-local"
    assert settings.auth_audience == "pcqrses"
    assert settings.auth_jwks_file == str(auth_stack.run_dir / "auth" / "jwks.json")
    assert settings.auth_jwks_url is None


def test_up_auth_again_changes_nothing_and_says_how_to_get_a_token(auth_stack: Stack) -> None:
    key = (auth_stack.run_dir / "auth" / "issuer-key.pem").read_bytes()
    pid = pid_of(auth_stack, "in-memory")

    again = auth_stack.run("run-single.sh", "up", "--in-memory", "--auth")

    assert again.returncode == 0, again.stdout + again.stderr
    assert "already running" in again.stdout
    assert "./scripts/run-single.sh token" in again.stdout
    assert pid_of(auth_stack, "in-memory") == pid
    assert (auth_stack.run_dir / "auth" / "issuer-key.pem").read_bytes() == key


def test_status_says_auth_is_on(auth_stack: Stack) -> None:
    lines = auth_stack.run("run-single.sh", "status").stdout.splitlines()
    apis = [line for line in lines if line.split()[0] in ("command-api", "query-api")]
    assert len(apis) == 2
    assert all(line.endswith("auth: on (jwt)") for line in apis), lines


def test_up_without_auth_is_refused_while_it_runs_with_auth(auth_stack: Stack) -> None:
    pid = pid_of(auth_stack, "in-memory")

    refused = auth_stack.run("run-single.sh", "up", "--in-memory")

    assert refused.returncode == 1
    assert "run-single.sh down" in refused.stderr
    assert "--auth" in refused.stderr
    assert pid_of(auth_stack, "in-memory") == pid
    assert alive(pid)


def test_the_token_command_prints_one_token_the_stacks_keys_verify(auth_stack: Stack) -> None:
    default = claims_of(auth_stack, token(auth_stack))
    assert default["sub"] == "local-user"
    assert default["exp"] - default["iat"] == 3600
    assert "scope" not in default

    admin = claims_of(auth_stack, token(auth_stack, "--subject", "root", "--admin"))
    assert admin["sub"] == "root"
    assert admin["scope"] == "accounts:admin"

    other = token(auth_stack, "--audience", "elsewhere", "--expires-in", "60")
    assert claims_of(auth_stack, other, audience="elsewhere")["aud"] == "elsewhere"

    with pytest.raises(jwt.ExpiredSignatureError):
        claims_of(auth_stack, token(auth_stack, "--expires-in", "-120"))


async def run_through_proxies(
    stack: Stack, script: str, env: dict[str, str]
) -> tuple[str, TokenCheckingProxy, TokenCheckingProxy]:
    """`script` against token-checking proxies in front of both APIs: its output, the proxies."""
    jwks = stack.run_dir / "auth" / "jwks.json"
    ports = {"COMMAND_API_PORT": free_port(), "QUERY_API_PORT": free_port()}
    upstream = {name: f"http://127.0.0.1:{stack.env[name]}" for name in ports}
    through = Stack(stack.run_dir, {**stack.env, **{k: str(v) for k, v in ports.items()}, **env})
    async with (
        token_checking_proxy(jwks, upstream["COMMAND_API_PORT"], ports["COMMAND_API_PORT"]) as cmd,
        token_checking_proxy(jwks, upstream["QUERY_API_PORT"], ports["QUERY_API_PORT"]) as query,
    ):
        result = await asyncio.to_thread(through.run, script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(line.startswith("✓") for line in check_lines(result.stdout)), result.stdout
    return result.stdout, cmd, query


async def test_the_e2e_script_sends_an_owners_tokens_when_the_apis_answer_401(
    auth_stack: Stack,
) -> None:
    output, command, query = await run_through_proxies(auth_stack, "test-e2e.sh", {})

    assert "authentication on: tokens from ./scripts/run-single.sh token" in output
    assert "✓ Command API: a POST without a token → 401 UNAUTHENTICATED" in output
    assert "✓ Query API: an expired token → 401 invalid_token" in output
    with_token = [seen for seen in command.seen + query.seen if seen.subject is not None]
    mutations = [seen for seen in command.seen if seen.query.startswith("mutation")]
    # create, rename, delete, erase, then rename, delete and erase of the erased account
    assert len(mutations) == 7
    owners = {str(seen.subject) for seen in with_token}
    assert len(owners) == 1  # commands and own reads: one owner
    assert all(owner.endswith("-owner") for owner in owners)
    assert not any(seen.admin for seen in with_token)
    # Besides the probe that found authentication on and the refusal checks (no token, an expired
    # one), three POSTs per API, every POST had a token.
    assert len(command.seen + query.seen) - len(with_token) == 6


async def test_the_graphql_script_uses_the_e2e_tokens_of_a_remote_stack(auth_stack: Stack) -> None:
    owner = token(auth_stack, "--subject", "remote-owner")
    admin = token(auth_stack, "--subject", "remote-admin", "--admin")
    env = {"E2E_TOKEN": owner, "E2E_ADMIN_TOKEN": admin}

    output, command, query = await run_through_proxies(auth_stack, "test-graphql.sh", env)

    assert "authentication on: tokens from E2E_TOKEN and E2E_ADMIN_TOKEN" in output
    assert "skipped" not in output
    seen = [s for s in command.seen + query.seen if s.subject is not None]
    lists = [s for s in seen if "getUserAccounts(" in s.query or "searchUserAccounts(" in s.query]
    assert len(lists) == 5  # two validation checks, the list, two searches
    assert {s.subject for s in lists} == {"remote-admin"}
    assert {s.subject for s in seen if s not in lists} == {"remote-owner"}
    assert owner not in output
    assert admin not in output


async def test_without_an_admins_token_the_admin_checks_are_skipped(auth_stack: Stack) -> None:
    env = {"E2E_TOKEN": token(auth_stack, "--subject", "remote-owner")}

    output, command, query = await run_through_proxies(auth_stack, "test-graphql.sh", env)

    assert output.count("· skipped:") == 4
    assert "E2E_ADMIN_TOKEN" in output
    assert not any("getUserAccounts(" in s.query for s in command.seen + query.seen)


def test_up_auth_is_refused_while_a_stack_runs_without(tmp_path: Path) -> None:
    stack = Stack.on_free_ports(tmp_path / "run")
    try:
        up = stack.run("run-single.sh", "up", "--in-memory")
        assert up.returncode == 0, up.stdout + up.stderr
        refused = stack.run("run-single.sh", "up", "--in-memory", "--auth")
        status = stack.run("run-single.sh", "status").stdout
    finally:
        stack.run("run-single.sh", "down", "--volumes")
    assert refused.returncode == 1
    assert "without authentication" in refused.stderr
    assert "run-single.sh down" in refused.stderr
    assert "auth: off" in status


def test_the_full_stack_starts_every_service_in_jwt_mode(tmp_path: Path) -> None:
    stack = Stack.on_free_ports(tmp_path / "run")
    try:
        up = stack.run("run-single.sh", "up", "--auth")
        assert up.returncode == 0, up.stdout + up.stderr
        environs = {
            name: environ_of(pid_of(stack, name))
            for name in ("command-api", "query-api", "read-model-updater")
        }
        e2e = stack.run("test-e2e.sh")
        assert e2e.returncode == 0, e2e.stdout + e2e.stderr
    finally:
        down = stack.run("run-single.sh", "down", "--volumes")
    for name, environ in environs.items():
        assert environ["AUTH_MODE"] == "jwt", name
        assert environ["AUTH_JWKS_FILE"] == str(stack.run_dir / "auth" / "jwks.json"), name
    assert down.returncode == 0
    assert not (stack.run_dir / "auth").exists()  # --volumes: the keys go too


# --- the services' guard: these need the authentication guard of the services (auth helper) ---


def post_status(stack: Stack, headers: dict[str, str]) -> tuple[int, str, Any]:
    port = stack.env["COMMAND_API_PORT"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/graphql",
        data=b'{"query": "{ commandApiVersion }"}',
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("WWW-Authenticate", ""), None
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("WWW-Authenticate", ""), json.loads(error.read())


def test_the_services_guard_wants_a_token_of_the_local_issuer(auth_stack: Stack) -> None:
    status, challenge, body = post_status(auth_stack, {})
    assert (status, challenge) == (401, 'Bearer realm="pcqrses"')
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    expired = token(auth_stack, "--expires-in", "-120")
    status, challenge, _ = post_status(auth_stack, {"Authorization": f"Bearer {expired}"})
    assert (status, challenge) == (401, 'Bearer realm="pcqrses", error="invalid_token"')

    valid = token(auth_stack)
    assert post_status(auth_stack, {"Authorization": f"Bearer {valid}"})[0] == 200
    created = auth_stack.graphql(
        "command",
        CREATE,
        {"i": {"firstName": "Ada", "lastName": "Token", "emailAddress": "ada@example.com"}},
        token=valid,
    )
    assert created["data"]["createUserAccount"]["version"] == 1


def test_the_services_guard_lets_both_scripts_pass_with_local_tokens(auth_stack: Stack) -> None:
    for script in ("test-e2e.sh", "test-graphql.sh"):
        result = auth_stack.run(script)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "authentication on: tokens from ./scripts/run-single.sh token" in result.stdout
        assert all(line.startswith("✓") for line in check_lines(result.stdout)), result.stdout
    assert "✓ another subject's renameUserAccount → NOT_FOUND" in result.stdout
    assert "✓ getUserAccounts by a non-admin → FORBIDDEN" in result.stdout

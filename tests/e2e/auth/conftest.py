"""Fixtures of the bearer-token tests: the issuer's keys, once per session; a Command API in jwt
mode whose keys are in a JWKS file, and one whose keys are served over HTTP."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.auth.served import (
    JwksServer,
    ServedCommandApi,
    TokensTried,
    command_api,
    jwt_settings,
    served_jwks,
)
from tests.support.tokens import IssuerKeys, write_jwks


@pytest.fixture(scope="session")
def issuer() -> IssuerKeys:
    return IssuerKeys()


@pytest.fixture(scope="session")
def jwks_file(issuer: IssuerKeys, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jwks(tmp_path_factory.mktemp("auth") / "jwks.json", issuer.rsa, issuer.ec)


@pytest.fixture(scope="session")
async def api_with_jwks_file(jwks_file: Path) -> AsyncIterator[ServedCommandApi]:
    async with command_api(jwt_settings(jwks_file=jwks_file)) as served:
        yield served


@pytest.fixture(scope="session")
async def jwks_endpoint(issuer: IssuerKeys) -> AsyncIterator[tuple[JwksServer, str]]:
    async with served_jwks(issuer.jwks()) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
async def api_with_jwks_url(
    jwks_endpoint: tuple[JwksServer, str],
) -> AsyncIterator[ServedCommandApi]:
    async with command_api(jwt_settings(jwks_url=jwks_endpoint[1])) as served:
        yield served


@pytest.fixture(params=["jwks-file", "jwks-url"])
def api(
    request: pytest.FixtureRequest,
    api_with_jwks_file: ServedCommandApi,
    api_with_jwks_url: ServedCommandApi,
) -> ServedCommandApi:
    """The Command API in jwt mode, with its keys from a file, then from a URL."""
    return api_with_jwks_file if request.param == "jwks-file" else api_with_jwks_url


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TokensTried.value:
        terminalreporter.write_sep("-", "forged-token suite")
        terminalreporter.write_line(f"forged tokens tried: {TokensTried.value}")

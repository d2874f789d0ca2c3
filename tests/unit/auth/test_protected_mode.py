"""Protected mode: which hosts are loopback, and when a service without authentication must
not start (SPEC §8.1 AUTH_ALLOW_ANONYMOUS)."""

import socket
from dataclasses import replace
from typing import Any

import pytest

from infrastructure.auth.protected_mode import anonymous_refusal, is_loopback_host
from infrastructure.settings import Settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "[::1]", "::ffff:127.0.0.1"]
)
def test_loopback_addresses_are_loopback(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "", "10.0.0.1", "192.168.1.2", "128.0.0.1", "::ffff:10.0.0.1"]
)
def test_other_addresses_are_not(host: str) -> None:
    assert not is_loopback_host(host)


def _resolving_to(*addresses: str) -> Any:
    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
            for a in addresses
        ]

    return getaddrinfo


def test_a_name_is_loopback_when_it_resolves_to_loopback_addresses_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("127.0.0.1", "::1"))
    assert is_loopback_host("localhost")

    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("127.0.0.1", "192.168.1.2"))
    assert not is_loopback_host("localhost")


def test_a_name_that_does_not_resolve_is_not_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", failing)

    assert not is_loopback_host("api.example.test")


OFF = Settings()


def test_off_on_loopback_may_start() -> None:
    assert anonymous_refusal(OFF, {"COMMAND_API_HOST": "127.0.0.1"}) is None


def test_off_beyond_loopback_must_not_start_and_says_what_to_set() -> None:
    refusal = anonymous_refusal(OFF, {"COMMAND_API_HOST": "127.0.0.1", "QUERY_API_HOST": "0.0.0.0"})

    assert refusal is not None
    assert "QUERY_API_HOST=0.0.0.0" in refusal
    assert "COMMAND_API_HOST" not in refusal
    assert "AUTH_MODE=jwt" in refusal
    assert "AUTH_ALLOW_ANONYMOUS=true" in refusal


def test_off_beyond_loopback_may_start_when_anonymity_is_asked_for() -> None:
    allowed = replace(OFF, auth_allow_anonymous=True)

    assert anonymous_refusal(allowed, {"COMMAND_API_HOST": "0.0.0.0"}) is None


def test_jwt_mode_may_start_anywhere() -> None:
    jwt_mode = replace(OFF, auth_mode="jwt", auth_issuer="i", auth_audience="a")

    assert anonymous_refusal(jwt_mode, {"COMMAND_API_HOST": "0.0.0.0"}) is None

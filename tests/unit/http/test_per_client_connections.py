"""PerClientConnections: counts open connections per client address, refuses one past the limit
before aiohttp sees it, and frees a place when an admitted connection closes."""

import logging
from typing import Any

import pytest

from infrastructure.http.connections import PerClientConnections, peer_address

pytestmark = pytest.mark.unit


class FakeTransport:
    def __init__(self, peer: Any) -> None:
        self._peer = peer
        self.aborted = False

    def get_extra_info(self, name: str) -> Any:
        return self._peer if name == "peername" else None

    def abort(self) -> None:
        self.aborted = True


class FakeHandler:
    """Stands for aiohttp's RequestHandler: records what the gate hands on."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def connection_made(self, transport: Any) -> None:
        self.events.append("made")

    def connection_lost(self, exc: Exception | None) -> None:
        self.events.append("lost")

    def data_received(self, data: bytes) -> None:
        self.events.append(f"data {data!r}")


class FakeServer:
    def __init__(self) -> None:
        self.handlers: list[FakeHandler] = []

    def __call__(self) -> FakeHandler:
        self.handlers.append(FakeHandler())
        return self.handlers[-1]


def open_from(connections: PerClientConnections, address: str) -> tuple[Any, FakeTransport]:
    gate = connections()
    transport = FakeTransport((address, 40000))
    gate.connection_made(transport)
    return gate, transport


def test_past_the_limit_an_address_is_refused_and_others_are_not() -> None:
    server = FakeServer()
    connections = PerClientConnections(server, limit=2)

    outcomes = [open_from(connections, "127.0.0.2")[1].aborted for _ in range(3)]
    other = open_from(connections, "127.0.0.3")[1]

    assert outcomes == [False, False, True]
    assert not other.aborted
    assert len(server.handlers) == 3  # none was made for the refused connection
    assert connections.open_connections("127.0.0.2") == 2
    assert connections.open_connections("127.0.0.3") == 1


def test_an_admitted_connection_hands_every_event_on_and_frees_its_place_when_lost() -> None:
    server = FakeServer()
    connections = PerClientConnections(server, limit=1)
    gate, _ = open_from(connections, "127.0.0.2")

    gate.data_received(b"GET")
    gate.connection_lost(None)
    again = open_from(connections, "127.0.0.2")[1]

    assert server.handlers[0].events == ["made", "data b'GET'", "lost"]
    assert not again.aborted


def test_a_refused_connection_when_lost_frees_nothing() -> None:
    connections = PerClientConnections(FakeServer(), limit=1)
    open_from(connections, "127.0.0.2")
    refused, _ = open_from(connections, "127.0.0.2")

    refused.connection_lost(None)

    assert connections.open_connections("127.0.0.2") == 1
    assert open_from(connections, "127.0.0.2")[1].aborted


def test_an_address_with_no_connection_left_is_forgotten() -> None:
    connections = PerClientConnections(FakeServer(), limit=3)
    gates = [open_from(connections, f"10.0.0.{n}")[0] for n in range(5)]

    for gate in gates:
        gate.connection_lost(None)

    assert connections._open == {}


def test_refusals_are_logged_once_until_the_address_is_below_the_limit_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    connections = PerClientConnections(FakeServer(), limit=1)
    caplog.set_level(logging.WARNING, logger="infrastructure.http.connections")
    held, _ = open_from(connections, "127.0.0.2")
    for _ in range(5):
        open_from(connections, "127.0.0.2")
    held.connection_lost(None)
    open_from(connections, "127.0.0.2")
    open_from(connections, "127.0.0.2")

    refusals = [r for r in caplog.records if r.name == "infrastructure.http.connections"]
    assert len(refusals) == 2
    assert all("127.0.0.2" not in r.getMessage() for r in refusals)


@pytest.mark.parametrize(
    ("peer", "address"),
    [(("127.0.0.2", 5000), "127.0.0.2"), (("::1", 5000, 0, 0), "::1"), (None, ""), ("", "")],
)
def test_the_address_is_the_peer_without_its_port(peer: Any, address: str) -> None:
    assert peer_address(FakeTransport(peer)) == address


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        PerClientConnections(FakeServer(), limit=0)

"""Reserving the port before the replay, and accepting connections only once it is done."""

import errno
import socket


class PortInUseError(RuntimeError):
    """The port is taken by another program."""


def bind_port(host: str, port: int) -> socket.socket:
    """A socket bound to host:port but not yet listening: connections are refused until `listen`.

    Binding first fails fast when the port is taken, before a replay that may take a while.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # Restart at once on a port whose last connections are still in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is already in use: stop what listens there, or start "
                "this server on another port and point DYNAMODB_ENDPOINT_URL at it",
            ) from error
        raise
    return sock

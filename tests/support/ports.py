"""Ports for the servers the tests start, taken below the kernel's ephemeral range.

Binding port 0 hands out a port from the ephemeral range, the same range every outgoing
connection of the suite takes its local port from: between the probe and the server's own bind,
a client socket can hold it, and the server then fails with "address already in use" (seen in
the e2e stacks: a command API's metrics port taken). Ports below that range are never given to
client sockets, and none is handed out twice in one run.
"""

import random
import socket
from pathlib import Path

_LOWEST = 20_000
_FALLBACK_EPHEMERAL_LOW = 32_768
_handed_out: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return _FALLBACK_EPHEMERAL_LOW


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port_range(count: int) -> int:
    """The first of `count` consecutive ports free now and not handed out before in this run."""
    highest = max(_LOWEST + count, min(_ephemeral_low(), 65_536)) - count
    for _ in range(1_000):
        base = random.randrange(_LOWEST, highest + 1)
        ports = range(base, base + count)
        if not _handed_out.intersection(ports) and all(_free(port) for port in ports):
            _handed_out.update(ports)
            return base
    raise RuntimeError(f"no {count} consecutive free ports between {_LOWEST} and {highest}")


def free_port() -> int:
    """A TCP port nobody listens on now, below the ephemeral range, not handed out before."""
    return free_port_range(1)

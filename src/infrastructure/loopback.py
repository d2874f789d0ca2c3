"""Whether a host a service binds to is loopback only (127.0.0.0/8, ::1): protected mode and the
local key file both refuse to serve beyond it unless told."""

import ipaddress
import socket


def is_loopback_host(host: str) -> bool:
    """True when every address `host` stands for is a loopback one (127.0.0.0/8, ::1): an IP
    literal, or a name (`localhost`) that resolves to loopback addresses only."""
    literal = _address(host.strip("[]"))
    if literal is not None:
        return _is_loopback(literal)
    if not host:
        return False  # binds every interface
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    addresses = [_address(str(info[4][0])) for info in infos]
    return bool(addresses) and all(
        address is not None and _is_loopback(address) for address in addresses
    )


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _is_loopback(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback

"""Protected mode (SPEC §8.1): serving without authentication on a host other than loopback
must be asked for; `anonymous_refusal` says why a service should not start."""

import ipaddress
import socket
from collections.abc import Mapping

from infrastructure.settings import Settings


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


def anonymous_refusal(settings: Settings, hosts: Mapping[str, str]) -> str | None:
    """Why a service serving `hosts` (variable -> host) must not start with these settings, or
    None when it may: authentication is on, anonymity was asked for, or every host is loopback."""
    if settings.auth_mode != "off" or settings.auth_allow_anonymous:
        return None
    exposed = [f"{name}={host}" for name, host in hosts.items() if not is_loopback_host(host)]
    if not exposed:
        return None
    return (
        f"refusing to serve without authentication on {', '.join(exposed)}, which is not a "
        "loopback address (protected mode): anyone who reaches it could do whatever the API "
        "allows. Set AUTH_MODE=jwt (with AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL or "
        "AUTH_JWKS_FILE), or AUTH_ALLOW_ANONYMOUS=true to serve without authentication all "
        "the same, or bind to 127.0.0.1"
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

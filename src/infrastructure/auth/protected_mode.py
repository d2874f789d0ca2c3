"""Protected mode (SPEC §8.1): serving without authentication on a host other than loopback
must be asked for; `anonymous_refusal` says why a service should not start."""

from collections.abc import Mapping

from infrastructure.loopback import is_loopback_host
from infrastructure.settings import Settings

__all__ = ["anonymous_refusal", "is_loopback_host"]


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

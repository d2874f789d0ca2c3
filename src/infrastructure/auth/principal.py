"""Principal: who a verified token says the caller is, as the authentication guard hands it on."""

from dataclasses import dataclass

from aiohttp import web


@dataclass(frozen=True, slots=True)
class Principal:
    """The token's `sub`, and whether its scope or groups make it an administrator."""

    subject: str
    admin: bool


# The aiohttp request key under which the authentication guard stores the caller's Principal;
# absent when authentication is off. A typed key: `request.get(PRINCIPAL)` is a Principal | None.
PRINCIPAL = web.RequestKey("principal", Principal)

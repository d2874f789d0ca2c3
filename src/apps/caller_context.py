"""The GraphQL context of a request: its Caller, from the Principal left by the auth guard."""

from collections.abc import Callable

from aiohttp import web

from infrastructure.auth.principal import PRINCIPAL, Principal
from interface_adapter.graphql.caller_context import CALLER
from use_case.caller import Caller

ContextFactory = Callable[[web.Request], dict[str, object]]


class MissingPrincipalError(RuntimeError):
    """AUTH_MODE=jwt, yet a GraphQL request reached its handler with no Principal: the
    authentication guard did not run. A wiring bug, answered INTERNAL_ERROR, never guessed at."""


def caller_context_factory(auth_mode: str) -> ContextFactory:
    """The context factory of an API: the request's Principal as a Caller; without one, with
    AUTH_MODE=off, the admin without identity that every caller then is (SPEC §8.2)."""
    authenticated = auth_mode != "off"
    without_identity = Caller.admin_without_identity()

    def context(request: web.Request) -> dict[str, object]:
        principal = request.get(PRINCIPAL)
        if isinstance(principal, Principal):
            return {CALLER: Caller(principal.subject, principal.admin)}
        if authenticated:
            raise MissingPrincipalError("a GraphQL request without a Principal in jwt mode")
        # A new dict each time: the context belongs to one operation.
        return {CALLER: without_identity}

    return context

"""BearerAuthentication: the protected routes need a verified bearer token (RFC 6750); its
Principal goes on the request, every refusal is the same 401 and its reason only goes to the log."""

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from aiohttp import hdrs, web

from infrastructure.auth.principal import PRINCIPAL
from infrastructure.auth.verifier import TokenRejectedError, TokenVerifier
from infrastructure.http.json_response import ERROR_CODE, dumps

UNAUTHENTICATED = "UNAUTHENTICATED"
_BODY = dumps(
    {"errors": [{"message": "Authentication required", "extensions": {"code": UNAUTHENTICATED}}]}
)

_logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BearerTokens:
    """How a service authenticates its callers: the realm its challenges name, and how to open
    its verifier (and whatever the verifier holds open, such as an HTTP session)."""

    realm: str
    open_verifier: Callable[[], AbstractAsyncContextManager[TokenVerifier]]


class BearerAuthentication:
    """Checks the token of requests to the `protected` (method, path) pairs, before their
    body is read. Add `opened` to the application's cleanup contexts."""

    def __init__(self, tokens: BearerTokens, protected: Iterable[tuple[str, str]]) -> None:
        self._open_verifier = tokens.open_verifier
        self._protected = frozenset(protected)
        self._protected_paths = frozenset(path for _, path in self._protected)
        # RFC 6750 §3: no error code when the request carried no bearer credentials at all.
        self._challenge = f'Bearer realm="{tokens.realm}"'
        self._invalid_token = f'{self._challenge}, error="invalid_token"'
        self._verifier: TokenVerifier | None = None

    async def opened(self, app: web.Application) -> AsyncIterator[None]:
        """A cleanup context: the verifier is open while the application runs."""
        async with self._open_verifier() as verifier:
            self._verifier = verifier
            try:
                yield
            finally:
                self._verifier = None

    def protects(self, request: web.Request) -> bool:
        return (
            request.path in self._protected_paths
            and (request.method, request.path) in self._protected
        )

    async def __call__(self, request: web.Request) -> web.Response | None:
        """None when the request carries a token the verifier accepts (its Principal is then
        `request[PRINCIPAL]`); otherwise the 401 to answer."""
        values = request.headers.getall(hdrs.AUTHORIZATION, ())
        if not values:
            return self._refused("no Authorization header", self._challenge)
        if len(values) > 1:
            return self._refused("several Authorization headers", self._invalid_token)
        scheme, _, credentials = values[0].partition(" ")
        if scheme.lower() != "bearer":
            return self._refused("not a bearer token", self._challenge)
        token = credentials.strip(" \t")
        verifier = self._verifier
        if not token:
            return self._refused("empty bearer token", self._invalid_token)
        if verifier is None:
            return self._refused(
                "no verifier (the application is not started)", self._invalid_token
            )
        try:
            principal = await verifier.verify(token)
        except TokenRejectedError as rejected:
            return self._refused(rejected.reason, self._invalid_token)
        except Exception as error:
            # Refused rather than a 500: a fault in checking a token never lets one through.
            # Only the type is logged: an exception's text may quote the token.
            _logger.error(
                "token verification failed unexpectedly", extra={"error": type(error).__name__}
            )
            return self._refused("verification failed", self._invalid_token)
        request[PRINCIPAL] = principal
        return None

    def _refused(self, reason: str, challenge: str) -> web.Response:
        _logger.info("authentication refused", extra={"reason": reason})
        response = web.Response(
            body=_BODY,
            status=401,
            content_type="application/json",
            headers={hdrs.WWW_AUTHENTICATE: challenge},
        )
        response[ERROR_CODE] = UNAUTHENTICATED
        return response

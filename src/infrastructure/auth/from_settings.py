"""open_token_verifier: the JwtVerifier that Settings describe, open while a service runs (the
HTTP session of a JWKS URL is closed on exit)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from infrastructure.auth.jwks_sources import JWKS_FETCH_TIMEOUT_SECONDS, JwksFile, JwksUrl
from infrastructure.auth.jwt_verifier import JwtVerifier
from infrastructure.auth.key_ring import KeyRing
from infrastructure.auth.token_rules import TokenRules
from infrastructure.settings import Settings


def token_rules(settings: Settings) -> TokenRules:
    if settings.auth_issuer is None or settings.auth_audience is None:
        raise ValueError("AUTH_MODE=jwt needs AUTH_ISSUER and AUTH_AUDIENCE")
    return TokenRules(
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        admin_scope=settings.auth_admin_scope,
        admin_group=settings.auth_admin_group,
    )


@asynccontextmanager
async def open_token_verifier(settings: Settings) -> AsyncIterator[JwtVerifier]:
    """The verifier of AUTH_ISSUER/AUTH_AUDIENCE with the keys of AUTH_JWKS_URL or
    AUTH_JWKS_FILE (Settings validated that exactly one is set). Keys are fetched on first use."""
    rules = token_rules(settings)
    if settings.auth_jwks_url is not None:
        timeout = aiohttp.ClientTimeout(total=JWKS_FETCH_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            yield JwtVerifier(rules, KeyRing(JwksUrl(session, settings.auth_jwks_url)))
        return
    if settings.auth_jwks_file is None:
        raise ValueError("AUTH_MODE=jwt needs AUTH_JWKS_URL or AUTH_JWKS_FILE")
    yield JwtVerifier(rules, KeyRing(JwksFile(Path(settings.auth_jwks_file))))

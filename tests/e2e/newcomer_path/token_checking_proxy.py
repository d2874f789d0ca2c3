"""A reverse proxy wanting a local issuer's token on POST /api/graphql (401 as SPEC §8.1 says),
recording who sent what: the scripts' token handling, tested without the services' own guard."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from aiohttp import web

from devstack.local_issuer import ADMIN_SCOPE, DEFAULT_AUDIENCE, ISSUER

UNAUTHENTICATED = {
    "errors": [{"message": "Authentication required", "extensions": {"code": "UNAUTHENTICATED"}}]
}


@dataclass(frozen=True, slots=True)
class Seen:
    """One POST /api/graphql: the token's subject and role (None: no valid token), the query."""

    subject: str | None
    admin: bool
    query: str


@dataclass
class TokenCheckingProxy:
    jwks_path: Path
    upstream: str
    seen: list[Seen] = field(default_factory=list)

    def _claims(self, request: web.Request) -> dict[str, Any] | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            return None
        jwks = jwt.PyJWKSet.from_dict(json.loads(self.jwks_path.read_text()))
        try:
            key = jwks[jwt.get_unverified_header(token)["kid"]]
            claims: dict[str, Any] = jwt.decode(
                token, key.key, algorithms=["RS256"], issuer=ISSUER, audience=DEFAULT_AUDIENCE
            )
        except (jwt.PyJWTError, KeyError):
            return {}
        return claims

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if request.method == "POST" and request.path == "/api/graphql":
            claims = self._claims(request)
            try:
                query = str(json.loads(body).get("query", ""))
            except (ValueError, AttributeError):
                query = ""
            subject = claims.get("sub") if claims else None
            admin = ADMIN_SCOPE in str((claims or {}).get("scope", "")).split(" ")
            self.seen.append(Seen(subject, admin, query))
            if subject is None:
                error = "" if claims is None else ', error="invalid_token"'
                return web.json_response(
                    UNAUTHENTICATED,
                    status=401,
                    headers={"WWW-Authenticate": f'Bearer realm="pcqrses"{error}'},
                )
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in ("content-type", "authorization")
        }
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method, self.upstream + request.path_qs, data=body, headers=headers
            ) as answer,
        ):
            return web.Response(
                body=await answer.read(),
                status=answer.status,
                content_type=answer.content_type,
            )


@asynccontextmanager
async def token_checking_proxy(
    jwks_path: Path, upstream: str, port: int
) -> AsyncIterator[TokenCheckingProxy]:
    """The proxy on 127.0.0.1:`port` in front of `upstream` (http://host:port) until exit."""
    proxy = TokenCheckingProxy(jwks_path, upstream)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield proxy
    finally:
        await runner.cleanup()

"""JwtVerifier: a bearer token checked with PyJWT against the issuer's keys and SPEC §8.1's
rules, its Principal cached until the token expires."""

import re
import time
from collections.abc import Callable

import jwt
from jwt.exceptions import (
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    MissingRequiredClaimError,
    PyJWTError,
)
from jwt.types import Options

from infrastructure.auth.key_ring import KeyRing
from infrastructure.auth.principal import Principal
from infrastructure.auth.token_rules import ACCEPTED_ALGORITHMS, TokenRules, principal_of
from infrastructure.auth.verified_tokens import VerifiedTokens
from infrastructure.auth.verifier import TokenRejectedError

# Three base64url segments: what a JWS in compact form is made of. Checked before PyJWT sees
# the text, which then never meets other characters (a header's undecodable bytes arrive as
# lone surrogates, which cannot even be encoded back).
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

# PyJWT's refusals as the short reasons the log shows; anything else is "invalid token".
_REASONS: tuple[tuple[type[PyJWTError], str], ...] = (
    (InvalidSignatureError, "bad signature"),
    (ExpiredSignatureError, "expired"),
    (ImmatureSignatureError, "not yet valid"),
    (InvalidIssuedAtError, "malformed iat"),
    (InvalidIssuerError, "wrong issuer"),
    (MissingRequiredClaimError, "a required claim is missing"),
    (InvalidAlgorithmError, "algorithm does not fit the key"),
    (InvalidKeyError, "unusable key"),
)


class JwtVerifier:
    def __init__(
        self,
        rules: TokenRules,
        keys: KeyRing,
        *,
        cache: VerifiedTokens | None = None,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        self._rules = rules
        self._keys = keys
        self._cache = cache if cache is not None else VerifiedTokens()
        self._wall_clock = wall_clock or time.time
        self._options: Options = {
            "require": ["exp", "iss", "sub"],
            # The audience rule has a Cognito case PyJWT does not know (principal_of).
            "verify_aud": False,
            "enforce_minimum_key_length": True,
        }
        # How many signatures were checked (tokens served from the cache cost none): a figure
        # for tests and operators.
        self.signature_checks = 0

    async def verify(self, token: str) -> Principal:
        if len(token) > self._rules.max_token_length:
            raise TokenRejectedError("token too large")
        now = self._wall_clock()
        cached = self._cache.get(token, now)
        if cached is not None:
            return cached
        if _COMPACT_JWS.fullmatch(token) is None:
            raise TokenRejectedError("not a compact JWS")
        try:
            header = jwt.get_unverified_header(token)
        except PyJWTError:
            raise TokenRejectedError("malformed token") from None
        algorithm = header.get("alg")
        if algorithm not in ACCEPTED_ALGORITHMS:
            raise TokenRejectedError("algorithm not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRejectedError("no kid")
        key = await self._keys.key(kid)
        if key is None:
            raise TokenRejectedError("unknown kid")
        if key.algorithm_name != algorithm:
            # An RSA key never checks an ES256 signature, nor an EC key an RS256 one.
            raise TokenRejectedError("the key does not fit the algorithm")
        self.signature_checks += 1
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                issuer=self._rules.issuer,
                leeway=self._rules.leeway_seconds,
                options=self._options,
            )
        except PyJWTError as error:
            raise TokenRejectedError(_reason(error)) from None
        principal = principal_of(claims, self._rules)
        self._cache.put(token, principal, float(claims["exp"]), now)
        return principal


def _reason(error: PyJWTError) -> str:
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return "invalid token"

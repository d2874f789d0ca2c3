"""Signing keys and tokens for tests: an issuer's RS256 and ES256 keys, its JWKS, tokens minted
with PyJWT (the verifier under test never sees a private key)."""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://issuer.example.test/pool"
AUDIENCE = "pcqrses-tests"
ADMIN_SCOPE = "accounts:admin"
ADMIN_GROUP = "accounts-admin"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key with its `kid` and algorithm; `jwk` is the public half as a JWK."""

    kid: str
    algorithm: str
    private_key: PrivateKey

    @property
    def jwk(self) -> dict[str, Any]:
        public = self.private_key.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            fields = RSAAlgorithm.to_jwk(public, as_dict=True)
        else:
            fields = ECAlgorithm.to_jwk(public, as_dict=True)
        return {**fields, "kid": self.kid, "alg": self.algorithm, "use": "sig"}

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        """A JWS of `claims`, its header holding this key's kid unless `headers` says otherwise."""
        return jwt.encode(
            claims,
            self.private_key,
            algorithm=self.algorithm,
            headers={"kid": self.kid, **(headers or {})},
        )


def rsa_key(kid: str) -> SigningKey:
    return SigningKey(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


def ec_key(kid: str) -> SigningKey:
    return SigningKey(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [key.jwk for key in keys]}


def write_jwks(path: Path, *keys: SigningKey) -> Path:
    path.write_text(json.dumps(jwks(*keys)), encoding="utf-8")
    return path


def claims(
    subject: str = "user-1",
    *,
    issuer: str = ISSUER,
    audience: str | list[str] | None = AUDIENCE,
    expires_in: float = 3600,
    now: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The claims of a token valid now for `expires_in` seconds; `extra` adds or replaces
    claims (a value of None leaves the claim out)."""
    issued = int(time.time() if now is None else now)
    base: dict[str, Any] = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": issued,
        "exp": issued + int(expires_in),
    }
    merged = {**base, **extra}
    return {name: value for name, value in merged.items() if value is not None}


def cognito_access_claims(subject: str = "user-1", **extra: Any) -> dict[str, Any]:
    """A Cognito access token's claims: no `aud`, the app client in `client_id`."""
    return claims(subject, audience=None, **{"token_use": "access", "client_id": AUDIENCE, **extra})


@dataclass(slots=True)
class IssuerKeys:
    """An RS256 and an ES256 key of the issuer, and a key of someone else's (same kids)."""

    rsa: SigningKey = field(default_factory=lambda: rsa_key("rsa-1"))
    ec: SigningKey = field(default_factory=lambda: ec_key("ec-1"))
    stranger: SigningKey = field(default_factory=lambda: rsa_key("rsa-1"))

    def jwks(self) -> dict[str, Any]:
        return jwks(self.rsa, self.ec)

    def token(self, subject: str = "user-1", **extra: Any) -> str:
        return self.rsa.sign(claims(subject, **extra))

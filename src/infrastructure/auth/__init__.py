"""Bearer-token authentication: who a request's token says the caller is (no business words)."""

from infrastructure.auth.from_settings import open_token_verifier, token_rules
from infrastructure.auth.jwks_sources import JwksFile, JwksSource, JwksUnavailableError, JwksUrl
from infrastructure.auth.jwt_verifier import JwtVerifier
from infrastructure.auth.key_ring import KeyRing
from infrastructure.auth.principal import PRINCIPAL, Principal
from infrastructure.auth.token_rules import TokenRules
from infrastructure.auth.verified_tokens import VerifiedTokens
from infrastructure.auth.verifier import TokenRejectedError, TokenVerifier

__all__ = [
    "PRINCIPAL",
    "JwksFile",
    "JwksSource",
    "JwksUnavailableError",
    "JwksUrl",
    "JwtVerifier",
    "KeyRing",
    "Principal",
    "TokenRejectedError",
    "TokenRules",
    "TokenVerifier",
    "VerifiedTokens",
    "open_token_verifier",
    "token_rules",
]

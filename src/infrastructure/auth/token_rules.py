"""TokenRules: what a token must say to be accepted, and the Principal its claims give."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infrastructure.auth.principal import Principal
from infrastructure.auth.verifier import TokenRejectedError

# Only asymmetric signatures by the issuer's keys: never `none`, never an HMAC whose secret a
# caller could guess from a public key.
ACCEPTED_ALGORITHMS = frozenset({"RS256", "ES256"})
# Cognito's two kinds of user token; a refresh token is opaque and never reaches us as a JWS.
TOKEN_USES = frozenset({"access", "id"})

# Cognito's subjects are UUIDs; other issuers' are short too.
MAX_SUBJECT_LENGTH = 255
_UNSTORABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class TokenRules:
    issuer: str
    audience: str
    # A token is an admin's when its `scope` (space-separated) holds the one, or its
    # `cognito:groups` the other.
    admin_scope: str
    admin_group: str
    # Clocks of the issuer and of this server drift apart a little.
    leeway_seconds: float = 60.0
    # Refused before any parsing. Below the HTTP server's limit for one header line (8,190
    # bytes with "Bearer "), so that a token a header can carry is either ours to verify or to
    # refuse; ample for tokens with many groups.
    max_token_length: int = 8000


def principal_of(claims: Mapping[str, Any], rules: TokenRules) -> Principal:
    """The Principal of claims whose signature, issuer and times PyJWT verified: the audience
    (or a Cognito access token's `client_id`), `token_use` and `sub` are checked here."""
    token_use = claims.get("token_use")
    if token_use is not None and token_use not in TOKEN_USES:
        raise TokenRejectedError("token_use is neither access nor id")
    if "aud" in claims:
        if not _names(claims["aud"], rules.audience):
            raise TokenRejectedError("wrong audience")
    elif token_use == "access":
        if claims.get("client_id") != rules.audience:
            raise TokenRejectedError("wrong client_id")
    else:
        raise TokenRejectedError("no audience")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise TokenRejectedError("no subject")
    # The subject becomes an account's owner, stored and compared as text: one that could not be
    # stored (NUL, lone surrogates) or that no issuer issues is refused like any bad claim.
    if len(subject) > MAX_SUBJECT_LENGTH or _UNSTORABLE.search(subject) is not None:
        raise TokenRejectedError("a subject that is too long or holds control characters")
    return Principal(subject=subject, admin=_is_admin(claims, rules))


def _names(audience_claim: object, audience: str) -> bool:
    """`aud` is one string or a list of them (RFC 7519 §4.1.3)."""
    if isinstance(audience_claim, str):
        return audience_claim == audience
    if isinstance(audience_claim, list):
        return audience in (name for name in audience_claim if isinstance(name, str))
    return False


def _is_admin(claims: Mapping[str, Any], rules: TokenRules) -> bool:
    scope = claims.get("scope")
    if isinstance(scope, str) and rules.admin_scope in scope.split():
        return True
    groups = claims.get("cognito:groups")
    return isinstance(groups, list) and rules.admin_group in (
        group for group in groups if isinstance(group, str)
    )

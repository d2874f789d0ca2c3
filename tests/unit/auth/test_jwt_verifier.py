"""JwtVerifier: every rule of SPEC §8.1 a token must pass, one test each, with tokens minted by
PyJWT from keys made for the test."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from infrastructure.auth import (
    JwtVerifier,
    KeyRing,
    Principal,
    TokenRejectedError,
    TokenRules,
    VerifiedTokens,
)
from tests.support.tokens import (
    ADMIN_GROUP,
    ADMIN_SCOPE,
    AUDIENCE,
    ISSUER,
    IssuerKeys,
    SigningKey,
    claims,
    cognito_access_claims,
    jwks,
)
from tests.unit.auth.jwks_fakes import JwksInMemory

pytestmark = pytest.mark.unit

RULES = TokenRules(
    issuer=ISSUER, audience=AUDIENCE, admin_scope=ADMIN_SCOPE, admin_group=ADMIN_GROUP
)


@pytest.fixture(scope="module")
def keys() -> IssuerKeys:
    return IssuerKeys()


@pytest.fixture
def source(keys: IssuerKeys) -> JwksInMemory:
    return JwksInMemory(keys.jwks())


@pytest.fixture
def verifier(source: JwksInMemory) -> JwtVerifier:
    return JwtVerifier(RULES, KeyRing(source))


async def refusal(verifier: JwtVerifier, token: str) -> str:
    with pytest.raises(TokenRejectedError) as refused:
        await verifier.verify(token)
    reason = refused.value.reason
    assert not token or token not in reason
    return reason


def unsigned(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    """A compact JWS put together by hand (what a forger sends), signature as given."""

    def segment(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    parts = [segment(json.dumps(part).encode()) for part in (header, payload)]
    return ".".join([*parts, segment(signature)])


# --- accepted tokens -------------------------------------------------------------------------


async def test_an_rs256_token_of_the_issuer_gives_its_subject(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    assert await verifier.verify(keys.rsa.sign(claims("user-7"))) == Principal("user-7", False)


async def test_an_es256_token_of_the_issuer_gives_its_subject(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    assert await verifier.verify(keys.ec.sign(claims("user-8"))) == Principal("user-8", False)


async def test_a_cognito_access_token_is_for_us_when_its_client_id_is_the_audience(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = keys.rsa.sign(cognito_access_claims("user-9"))

    assert await verifier.verify(token) == Principal("user-9", False)


async def test_a_cognito_access_token_of_another_client_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = keys.rsa.sign(cognito_access_claims(client_id="another-app"))

    assert await refusal(verifier, token) == "wrong client_id"


async def test_a_cognito_id_token_is_for_us_when_its_audience_is(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    assert await verifier.verify(keys.rsa.sign(claims("u", token_use="id"))) == Principal(
        "u", False
    )


async def test_an_audience_list_holding_ours_is_accepted(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = keys.rsa.sign(claims("u", audience=["other", AUDIENCE]))

    assert await verifier.verify(token) == Principal("u", False)


@pytest.mark.parametrize(
    ("extra", "admin"),
    [
        ({"scope": f"openid {ADMIN_SCOPE} email"}, True),
        ({"scope": f"{ADMIN_SCOPE}x openid"}, False),
        ({"scope": [ADMIN_SCOPE]}, False),  # a scope is one space-separated string
        ({"cognito:groups": ["readers", ADMIN_GROUP]}, True),
        ({"cognito:groups": ["readers"]}, False),
        ({"cognito:groups": ADMIN_GROUP}, False),  # groups are a list
        ({}, False),
    ],
)
async def test_a_caller_is_an_admin_by_its_scope_or_its_groups(
    verifier: JwtVerifier, keys: IssuerKeys, extra: dict[str, Any], admin: bool
) -> None:
    principal = await verifier.verify(keys.rsa.sign(claims("u", **extra)))

    assert principal == Principal("u", admin)


# --- the signature, its algorithm and its key -------------------------------------------------


async def test_alg_none_is_refused(verifier: JwtVerifier, keys: IssuerKeys) -> None:
    header = {"alg": "none", "kid": keys.rsa.kid, "typ": "JWT"}

    # As RFC 7519 writes an unsecured JWT (no signature), and with one made up.
    assert await refusal(verifier, unsigned(header, claims())) == "not a compact JWS"
    assert await refusal(verifier, unsigned(header, claims(), b"sig")) == "algorithm not accepted"


async def test_an_hs256_token_keyed_with_the_public_key_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, source: JwksInMemory
) -> None:
    public_pem = keys.rsa.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header, payload = {"alg": "HS256", "kid": keys.rsa.kid}, claims()
    signing_input = unsigned(header, payload).rsplit(".", 1)[0]
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()

    assert await refusal(verifier, unsigned(header, payload, mac)) == "algorithm not accepted"
    assert source.calls == 0  # refused before any key was looked up


@pytest.mark.parametrize("algorithm", ["RS384", "RS512", "PS256"])
async def test_another_rsa_algorithm_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, algorithm: str
) -> None:
    token = jwt.encode(
        claims(), keys.rsa.private_key, algorithm=algorithm, headers={"kid": keys.rsa.kid}
    )

    assert await refusal(verifier, token) == "algorithm not accepted"


async def test_an_es384_token_is_refused(verifier: JwtVerifier) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    token = jwt.encode(claims(), key, algorithm="ES384", headers={"kid": "ec-1"})

    assert await refusal(verifier, token) == "algorithm not accepted"


async def test_an_rs256_header_naming_an_ec_key_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = jwt.encode(
        claims(), keys.rsa.private_key, algorithm="RS256", headers={"kid": keys.ec.kid}
    )

    assert await refusal(verifier, token) == "the key does not fit the algorithm"


async def test_a_token_signed_by_another_key_of_the_same_kid_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    assert keys.stranger.kid == keys.rsa.kid

    assert await refusal(verifier, keys.stranger.sign(claims())) == "bad signature"


async def test_a_token_whose_claims_were_changed_after_signing_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    header, _, signature = keys.rsa.sign(claims("user-1")).split(".")
    forged_payload = unsigned({}, claims("user-2")).split(".")[1]

    assert await refusal(verifier, f"{header}.{forged_payload}.{signature}") == "bad signature"


@pytest.mark.parametrize("headers", [{"kid": None}, {"kid": ""}, {"kid": 7}])
async def test_a_token_without_a_kid_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, headers: dict[str, Any]
) -> None:
    header = {"alg": "RS256", **headers}
    token = unsigned({k: v for k, v in header.items() if v is not None}, claims(), b"sig")

    assert await refusal(verifier, token) in ("no kid", "malformed token")


async def test_a_kid_the_issuer_does_not_have_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = keys.rsa.sign(claims(), headers={"kid": "nowhere"})

    assert await refusal(verifier, token) == "unknown kid"


async def test_no_token_is_accepted_while_the_keys_cannot_be_had(
    keys: IssuerKeys, source: JwksInMemory
) -> None:
    source.down = True
    verifier = JwtVerifier(RULES, KeyRing(source))

    assert await refusal(verifier, keys.token()) == "unknown kid"


# --- the claims -------------------------------------------------------------------------------


async def test_an_expired_token_is_refused(verifier: JwtVerifier, keys: IssuerKeys) -> None:
    token = keys.rsa.sign(claims(now=time.time() - 3600, expires_in=3600 - 61))

    assert await refusal(verifier, token) == "expired"


async def test_a_token_expired_within_the_leeway_is_accepted(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = keys.rsa.sign(claims("u", now=time.time() - 3600, expires_in=3600 - 30))

    assert await verifier.verify(token) == Principal("u", False)


async def test_a_token_without_exp_is_refused(verifier: JwtVerifier, keys: IssuerKeys) -> None:
    token = keys.rsa.sign(claims(exp=None))

    assert await refusal(verifier, token) == "a required claim is missing"


@pytest.mark.parametrize("claim", ["nbf", "iat"])
async def test_a_token_valid_only_in_the_future_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, claim: str
) -> None:
    token = keys.rsa.sign(claims(**{claim: int(time.time()) + 120}))

    assert await refusal(verifier, token) == "not yet valid"


@pytest.mark.parametrize("claim", ["nbf", "iat"])
async def test_a_token_valid_within_the_leeway_from_now_is_accepted(
    verifier: JwtVerifier, keys: IssuerKeys, claim: str
) -> None:
    token = keys.rsa.sign(claims("u", **{claim: int(time.time()) + 30}))

    assert await verifier.verify(token) == Principal("u", False)


@pytest.mark.parametrize("issuer", ["https://issuer.example.test/other", ISSUER + "/", None])
async def test_a_token_of_another_issuer_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, issuer: str | None
) -> None:
    token = keys.rsa.sign({**claims(), "iss": issuer} if issuer else claims(iss=None))

    assert await refusal(verifier, token) in ("wrong issuer", "a required claim is missing")


@pytest.mark.parametrize(
    "audience", ["another-api", ["another-api"], [], AUDIENCE.upper(), 42, None]
)
async def test_a_token_for_another_audience_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, audience: object
) -> None:
    token = keys.rsa.sign({**claims(audience=None), "aud": audience})

    assert await refusal(verifier, token) == "wrong audience"


async def test_a_token_with_no_audience_and_no_client_id_rule_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = keys.rsa.sign(claims(audience=None, client_id=AUDIENCE))

    assert await refusal(verifier, token) == "no audience"


@pytest.mark.parametrize("token_use", ["refresh", "ACCESS", "", 1])
async def test_a_token_use_other_than_access_or_id_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, token_use: object
) -> None:
    token = keys.rsa.sign(claims(token_use=token_use))

    assert await refusal(verifier, token) == "token_use is neither access nor id"


@pytest.mark.parametrize("subject", [None, ""])
async def test_a_token_without_a_subject_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, subject: str | None
) -> None:
    token = keys.rsa.sign({**claims(), "sub": subject} if subject is not None else claims(sub=None))

    assert await refusal(verifier, token) in ("no subject", "a required claim is missing")


async def test_a_subject_that_is_not_a_string_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    assert await refusal(verifier, keys.rsa.sign({**claims(), "sub": 42})) == "invalid token"


@pytest.mark.parametrize("subject", ["a\x00b", "tab\there", "x" * 256, "\ud800"])
async def test_a_subject_that_could_not_be_an_owner_is_refused(
    verifier: JwtVerifier, keys: IssuerKeys, subject: str
) -> None:
    # (PyJWT writes a lone surrogate as a JSON escape; the claim decodes back to it.)
    token = keys.rsa.sign({**claims(), "sub": subject})

    assert await refusal(verifier, token) == (
        "a subject that is too long or holds control characters"
    )


# --- malformed text, size --------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "a..c",
        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln=",
        "a b.c.d",
        "\udcff\udcfe.a.b",
        "é.a.b",
    ],
)
async def test_what_is_not_a_compact_jws_is_refused_before_keys_are_looked_up(
    verifier: JwtVerifier, source: JwksInMemory, token: str
) -> None:
    assert await refusal(verifier, token) == "not a compact JWS"
    assert source.calls == 0


async def test_a_token_whose_header_is_not_json_is_refused(verifier: JwtVerifier) -> None:
    assert await refusal(verifier, "bm90IGpzb24.e30.c2ln") == "malformed token"


async def test_a_token_longer_than_the_bound_is_refused_before_any_parsing(
    keys: IssuerKeys, source: JwksInMemory
) -> None:
    token = keys.token()
    bounded = JwtVerifier(
        TokenRules(ISSUER, AUDIENCE, ADMIN_SCOPE, ADMIN_GROUP, max_token_length=len(token) - 1),
        KeyRing(source),
    )

    assert await refusal(bounded, token) == "token too large"
    assert await refusal(bounded, "!" * (len(token) + 10_000)) == "token too large"
    assert (source.calls, bounded.signature_checks) == (0, 0)


async def test_a_token_as_long_as_the_bound_is_verified(
    keys: IssuerKeys, source: JwksInMemory
) -> None:
    token = keys.token("u")
    bounded = JwtVerifier(
        TokenRules(ISSUER, AUDIENCE, ADMIN_SCOPE, ADMIN_GROUP, max_token_length=len(token)),
        KeyRing(source),
    )

    assert await bounded.verify(token) == Principal("u", False)


# --- the cache of verified tokens ------------------------------------------------------------


async def test_a_token_verified_once_is_served_from_the_cache(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    token = keys.token("u")

    first = await verifier.verify(token)
    second = await verifier.verify(token)

    assert first == second == Principal("u", False)
    assert verifier.signature_checks == 1


async def test_each_distinct_token_costs_its_own_signature_check(
    verifier: JwtVerifier, keys: IssuerKeys
) -> None:
    await verifier.verify(keys.token("a"))
    await verifier.verify(keys.token("b"))

    assert verifier.signature_checks == 2


async def test_a_refused_token_is_not_cached(verifier: JwtVerifier, keys: IssuerKeys) -> None:
    token = keys.stranger.sign(claims())

    await refusal(verifier, token)
    await refusal(verifier, token)

    assert verifier.signature_checks == 2


async def test_once_its_exp_is_reached_a_cached_token_is_verified_again(
    source: JwksInMemory, keys: IssuerKeys
) -> None:
    now = [time.time()]
    verifier = JwtVerifier(RULES, KeyRing(source), wall_clock=lambda: now[0])
    token = keys.rsa.sign(claims("u", expires_in=600))
    await verifier.verify(token)

    now[0] += 599
    await verifier.verify(token)
    assert verifier.signature_checks == 1
    now[0] += 1
    await verifier.verify(token)  # PyJWT's clock has not reached exp: accepted once more
    assert verifier.signature_checks == 2


async def test_the_cache_holds_a_bounded_number_of_tokens(
    source: JwksInMemory, keys: IssuerKeys
) -> None:
    verifier = JwtVerifier(RULES, KeyRing(source), cache=VerifiedTokens(capacity=2))
    tokens = [keys.token(f"user-{n}") for n in range(3)]
    for token in tokens:
        await verifier.verify(token)

    await verifier.verify(tokens[2])
    await verifier.verify(tokens[1])
    assert verifier.signature_checks == 3
    await verifier.verify(tokens[0])  # the least recently used one went first
    assert verifier.signature_checks == 4


async def test_an_es256_key_of_another_curve_in_the_jwks_verifies_nothing(
    keys: IssuerKeys,
) -> None:
    p384 = SigningKey("ec-384", "ES256", ec.generate_private_key(ec.SECP384R1()))
    document = jwks(keys.rsa)
    document["keys"].append({**p384.jwk, "alg": "ES256"})
    verifier = JwtVerifier(RULES, KeyRing(JwksInMemory(document)))
    token = unsigned({"alg": "ES256", "kid": "ec-384"}, claims(), b"x" * 96)

    assert await refusal(verifier, token) == "unknown kid"

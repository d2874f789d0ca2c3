"""KeyRing: keys by kid, fetched again on an unknown kid at most once a minute, one fetch for
every request waiting on it; only keys fit to verify RS256 or ES256 are kept."""

import asyncio
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import RSAAlgorithm

from infrastructure.auth import JwksUnavailableError, KeyRing
from infrastructure.auth.key_ring import REFRESH_INTERVAL_SECONDS, usable_keys
from tests.support.tokens import IssuerKeys, SigningKey, ec_key, jwks, rsa_key
from tests.support.virtual_time import in_virtual_time
from tests.unit.auth.jwks_fakes import JwksInMemory

pytestmark = pytest.mark.unit

ISSUER = IssuerKeys()
ROTATED = rsa_key("rsa-2")


@in_virtual_time
async def test_the_first_key_asked_for_fetches_the_jwks_and_later_ones_do_not() -> None:
    source = JwksInMemory(ISSUER.jwks())
    ring = KeyRing(source)

    assert await ring.key("rsa-1") is not None
    assert await ring.key("ec-1") is not None
    assert await ring.key("rsa-1") is not None
    assert source.calls == 1


@in_virtual_time
async def test_an_unknown_kid_is_fetched_again_only_a_minute_after_the_last_fetch() -> None:
    source = JwksInMemory(ISSUER.jwks())
    ring = KeyRing(source)
    await ring.key("rsa-1")
    source.document = jwks(ISSUER.rsa, ROTATED)

    await asyncio.sleep(REFRESH_INTERVAL_SECONDS - 1)
    assert await ring.key("rsa-2") is None
    assert await ring.key("made-up") is None
    assert source.calls == 1

    await asyncio.sleep(1)
    assert await ring.key("rsa-2") is not None  # rotation: the new key is found
    assert source.calls == 2


@in_virtual_time
async def test_made_up_kids_cost_at_most_one_fetch_a_minute() -> None:
    source = JwksInMemory(ISSUER.jwks())
    ring = KeyRing(source)

    for second in range(300):
        assert await ring.key(f"made-up-{second}") is None
        await asyncio.sleep(1)

    assert source.calls == 5


@in_virtual_time
async def test_concurrent_requests_for_an_unknown_kid_share_one_fetch() -> None:
    source = JwksInMemory(ISSUER.jwks())
    source.gate = asyncio.Event()
    ring = KeyRing(source)

    waiting = [asyncio.ensure_future(ring.key(kid)) for kid in ("rsa-1", "ec-1", "x") * 20]
    await asyncio.sleep(0.1)
    source.gate.set()
    found = await asyncio.gather(*waiting)

    assert source.calls == 1
    assert [key is not None for key in found] == [True, True, False] * 20


@in_virtual_time
async def test_a_request_that_gives_up_leaves_the_fetch_to_the_others() -> None:
    source = JwksInMemory(ISSUER.jwks())
    source.gate = asyncio.Event()
    ring = KeyRing(source)
    impatient = asyncio.ensure_future(ring.key("rsa-1"))
    patient = asyncio.ensure_future(ring.key("rsa-1"))
    await asyncio.sleep(0.1)

    impatient.cancel()
    source.gate.set()

    assert await patient is not None
    assert source.calls == 1


@in_virtual_time
async def test_the_keys_known_stay_in_use_while_the_jwks_cannot_be_fetched() -> None:
    source = JwksInMemory(ISSUER.jwks())
    ring = KeyRing(source)
    await ring.key("rsa-1")
    source.down = True

    await asyncio.sleep(REFRESH_INTERVAL_SECONDS)
    assert await ring.key("rsa-2") is None
    assert await ring.key("rsa-1") is not None
    assert source.calls == 2


@in_virtual_time
async def test_a_failed_fetch_counts_toward_the_minute_too() -> None:
    source = JwksInMemory(ISSUER.jwks())
    source.down = True
    ring = KeyRing(source)

    assert await ring.key("rsa-1") is None
    source.down = False
    await asyncio.sleep(REFRESH_INTERVAL_SECONDS - 1)
    assert await ring.key("rsa-1") is None
    await asyncio.sleep(1)
    assert await ring.key("rsa-1") is not None
    assert source.calls == 2


@in_virtual_time
async def test_a_key_removed_from_the_jwks_is_gone_after_the_next_fetch() -> None:
    source = JwksInMemory(ISSUER.jwks())
    ring = KeyRing(source)
    await ring.key("rsa-1")
    source.document = jwks(ROTATED)

    await asyncio.sleep(REFRESH_INTERVAL_SECONDS)
    assert await ring.key("rsa-2") is not None
    assert await ring.key("rsa-1") is None


# --- which keys of a JWKS are usable ----------------------------------------------------------


def _public(key: SigningKey, **changes: Any) -> dict[str, Any]:
    return {**key.jwk, **changes}


def test_the_issuers_rs256_and_es256_keys_are_usable() -> None:
    assert sorted(usable_keys(ISSUER.jwks())) == ["ec-1", "rsa-1"]


def test_keys_without_an_alg_take_the_one_their_type_implies() -> None:
    document = {"keys": [_public(ISSUER.rsa, alg=None), _public(ISSUER.ec, alg=None)]}
    for entry in document["keys"]:
        del entry["alg"]

    assert sorted(usable_keys(document)) == ["ec-1", "rsa-1"]


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param({"kty": "oct", "kid": "h", "k": "c2VjcmV0", "alg": "HS256"}, id="hmac"),
        pytest.param(_public(ISSUER.rsa, kid="r", alg="RS512"), id="rs512"),
        pytest.param(_public(ISSUER.rsa, kid="r", alg="none"), id="alg-none"),
        pytest.param(_public(ISSUER.rsa, kid="r", alg="ES256"), id="rsa-key-as-es256"),
        pytest.param(_public(ISSUER.rsa, kid="r", use="enc"), id="encryption-key"),
        pytest.param(_public(ISSUER.rsa, kid=None), id="no-kid"),
        pytest.param(_public(ISSUER.rsa, kid=""), id="empty-kid"),
        pytest.param(_public(ISSUER.rsa, kid=3), id="kid-not-a-string"),
        pytest.param(
            {**RSAAlgorithm.to_jwk(ISSUER.rsa.private_key, as_dict=True), "kid": "r"},
            id="private-rsa-key",
        ),
        pytest.param(
            {
                **SigningKey("p384", "ES384", ec.generate_private_key(ec.SECP384R1())).jwk,
                "kid": "r",
                "alg": "ES256",
            },
            id="p384-key-as-es256",
        ),
        pytest.param({"kty": "RSA", "kid": "r", "n": 5, "e": "AQAB"}, id="broken-rsa"),
        pytest.param({"kid": "r"}, id="no-kty"),
        pytest.param("not an object", id="not-an-object"),
    ],
)
def test_keys_unfit_to_verify_rs256_or_es256_are_left_out(entry: Any) -> None:
    document = {"keys": [entry, ISSUER.ec.jwk]}

    assert sorted(usable_keys(document)) == ["ec-1"]


def test_of_two_keys_with_one_kid_the_first_is_kept() -> None:
    other = ec_key("ec-1")
    keys = usable_keys(jwks(ISSUER.ec, other))

    assert keys["ec-1"].key.public_numbers() == ISSUER.ec.private_key.public_key().public_numbers()


def test_a_jwks_without_usable_keys_has_none() -> None:
    assert usable_keys({"keys": []}) == {}
    assert usable_keys({"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]}) == {}


@pytest.mark.parametrize("document", [[], {"keys": {}}, {"other": []}, "keys", None])
def test_a_document_that_is_not_a_jwks_is_unusable(document: Any) -> None:
    with pytest.raises(JwksUnavailableError):
        usable_keys(document)


@in_virtual_time
async def test_a_fetched_document_that_is_not_a_jwks_keeps_the_keys_known() -> None:
    source = JwksInMemory(ISSUER.jwks())
    ring = KeyRing(source)
    await ring.key("rsa-1")
    source.document = ["not", "a", "jwks"]

    await asyncio.sleep(REFRESH_INTERVAL_SECONDS)
    assert await ring.key("unknown") is None
    assert await ring.key("rsa-1") is not None

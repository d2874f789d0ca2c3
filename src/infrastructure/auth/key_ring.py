"""KeyRing: the issuer's signing keys by `kid`, fetched again on an unknown `kid` at most once
per interval, one fetch shared by every request that waits for it."""

import asyncio
import logging
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from infrastructure.auth.jwks_sources import JwksSource, JwksUnavailableError
from infrastructure.auth.token_rules import ACCEPTED_ALGORITHMS

# SPEC §8.1: an unknown kid makes us fetch again, but no more often than this; a caller making
# up kids cannot make us hammer the issuer.
REFRESH_INTERVAL_SECONDS = 60.0

_logger = logging.getLogger(__name__)


class KeyRing:
    def __init__(
        self,
        source: JwksSource,
        *,
        refresh_interval_seconds: float = REFRESH_INTERVAL_SECONDS,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._source = source
        self._interval = refresh_interval_seconds
        self._monotonic = monotonic or time.monotonic
        self._keys: dict[str, PyJWK] = {}
        self._last_fetch: float | None = None
        self._fetching: asyncio.Task[None] | None = None
        # How many fetches were started: a figure for tests and operators.
        self.fetches = 0

    async def key(self, kid: str) -> PyJWK | None:
        """The usable key of that `kid`, after a fetch when it is unknown and the last fetch
        is at least an interval ago (or there was none); None when there is no such key."""
        key = self._keys.get(kid)
        if key is None:
            await self._refresh()
            key = self._keys.get(kid)
        return key

    async def _refresh(self) -> None:
        fetching = self._fetching
        if fetching is None:
            now = self._monotonic()
            if self._last_fetch is not None and now - self._last_fetch < self._interval:
                return
            self._last_fetch = now
            self.fetches += 1
            fetching = self._fetching = asyncio.ensure_future(self._fetch())
        # Shielded: a request that gives up (its own deadline) leaves the fetch to the others.
        await asyncio.shield(fetching)

    async def _fetch(self) -> None:
        try:
            document = await self._source.fetch()
            self._keys = usable_keys(document)
            _logger.info("signing keys loaded", extra={"keys": len(self._keys)})
        except JwksUnavailableError as error:
            # The keys known so far stay in use: an issuer's outage is no reason to refuse
            # tokens signed by a key we have.
            _logger.warning("signing keys unavailable", extra={"reason": str(error)})
        finally:
            self._fetching = None


def usable_keys(document: object) -> dict[str, PyJWK]:
    """The keys of a JWKS that may verify a token: with a `kid`, for signatures, public, of an
    accepted algorithm and of the type that algorithm needs. Others are left out."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksUnavailableError("the JWKS has no list of keys")
    keys: dict[str, PyJWK] = {}
    for entry in document["keys"]:
        key = _parsed(entry)
        if key is not None and key.key_id not in keys and _fits(key):
            keys[str(key.key_id)] = key
    return keys


def _parsed(entry: object) -> PyJWK | None:
    """The key of one JWKS entry, parsed by PyJWT; None for what it cannot parse. One by one
    rather than PyJWKSet, which gives up on the whole set for some unusable entries (`alg`
    none)."""
    if not isinstance(entry, dict):
        return None
    kid, algorithm = entry.get("kid"), entry.get("alg")
    if not isinstance(kid, str) or not kid or algorithm not in (None, *ACCEPTED_ALGORITHMS):
        return None
    try:
        return PyJWK.from_dict(entry)
    except (PyJWTError, ValueError, TypeError, NotImplementedError):
        return None


def _fits(key: PyJWK) -> bool:
    if key.public_key_use not in (None, "sig"):
        return False
    if key.algorithm_name not in ACCEPTED_ALGORITHMS:
        return False
    if key.algorithm_name == "RS256":
        return isinstance(key.key, RSAPublicKey)
    return isinstance(key.key, EllipticCurvePublicKey) and isinstance(key.key.curve, SECP256R1)

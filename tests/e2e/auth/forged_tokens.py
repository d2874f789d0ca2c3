"""Hypothesis strategies of forged and malformed Authorization headers (issue 13 item 6), as the
raw bytes a hostile client sends: each comes with the name of its kind."""

import base64
import dataclasses
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from hypothesis import strategies as st
from jwt.algorithms import get_default_algorithms

from infrastructure.auth.token_rules import TokenRules
from tests.support.tokens import AUDIENCE, ISSUER, IssuerKeys, SigningKey, claims, ec_key

# What the verifier refuses before parsing, and what one header line of the HTTP server holds
# ("Bearer " and the token); longer headers are the server's to refuse (test_huge_headers).
MAX_TOKEN_LENGTH = 8000
MAX_HEADER_TOKEN_LENGTH = 8190 - len("Bearer ")

# The kinds the issue names, and a few more ways to get a token wrong.
KINDS = (
    "no header",
    "wrong scheme",
    "empty bearer",
    "truncated",
    "alg none",
    "hs256 with the public key",
    "other algorithm",
    "signed by another key",
    "claims changed after signing",
    "wrong iss",
    "wrong aud",
    "expired",
    "nbf in the future",
    "iat in the future",
    "no sub",
    "kid pointing nowhere",
    "huge",
    "non-UTF-8 bytes",
    "garbage",
)

# Beyond the verifier's leeway by an hour: however long the test takes between signing and
# sending (a busy machine), the token is still in the future when it is verified.
_LEEWAY = next(f.default for f in dataclasses.fields(TokenRules) if f.name == "leeway_seconds")
_LATER = st.integers(int(_LEEWAY) + 3600, 10**7)
_texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)


def _segment(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _by_hand(header: dict[str, Any], payload: dict[str, Any], signature: bytes) -> str:
    parts = [_segment(json.dumps(part).encode()) for part in (header, payload)]
    return ".".join([*parts, _segment(signature)])


def _signed_by_hand(header: dict[str, Any], payload: dict[str, Any], key: SigningKey) -> str:
    """A real signature by `key` over a header PyJWT would not write (a kid that is no string)."""
    signing_input = _by_hand({"alg": key.algorithm, **header}, payload, b"").rsplit(".", 1)[0]
    algorithm = get_default_algorithms()[key.algorithm]
    signature = algorithm.sign(signing_input.encode(), algorithm.prepare_key(key.private_key))
    return f"{signing_input}.{_segment(signature)}"


def _bearer(token: str) -> bytes:
    return b"Bearer " + token.encode()


class Forger:
    """Everything a forger can get: the issuer's public keys, its kids, keys of its own."""

    def __init__(self, issuer: IssuerKeys) -> None:
        self.issuer = issuer
        self.own_ec = ec_key(issuer.ec.kid)

    def public_pem(self) -> bytes:
        return self.issuer.rsa.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def kinds(self) -> dict[str, st.SearchStrategy[bytes | None]]:
        """Each kind of forgery by its name: a strategy of raw Authorization headers (None: no
        header at all)."""
        return {
            "no header": st.just(None),
            "wrong scheme": self._wrong_scheme(),
            "empty bearer": st.sampled_from(
                [b"Bearer", b"Bearer ", b"Bearer    ", b"bearer \t", b"Bearer \t\t"]
            ),
            "truncated": self._truncated(),
            "alg none": self._alg_none(),
            "hs256 with the public key": self._hmac_with_public_key(),
            "other algorithm": self._other_algorithm(),
            "signed by another key": self._other_key(),
            "claims changed after signing": self._changed_claims(),
            "wrong iss": self._valid_but(issuer=_texts.filter(lambda text: text != ISSUER)),
            "wrong aud": self._valid_but(
                audience=st.one_of(
                    _texts.filter(lambda text: text != AUDIENCE),
                    st.lists(_texts.filter(lambda text: text != AUDIENCE), max_size=3),
                )
            ),
            "expired": self._valid_but(expires_in=st.integers(-(10**7), -61)),
            "nbf in the future": self._valid_but(nbf=_LATER.map(lambda s: int(time.time()) + s)),
            "iat in the future": self._valid_but(iat=_LATER.map(lambda s: int(time.time()) + s)),
            "no sub": self._valid_but(sub=st.sampled_from(["", None])),  # None: left out
            "kid pointing nowhere": self._kid_nowhere(),
            "huge": self._huge(),
            "non-UTF-8 bytes": self._non_utf8(),
            "garbage": st.from_regex(
                r"[A-Za-z0-9_=+/-]{0,60}(\.[A-Za-z0-9_=+/-]{0,60}){0,4}", fullmatch=True
            ).map(_bearer),
        }

    def _token(self, key: SigningKey | None = None, **changes: Any) -> str:
        return (key or self.issuer.rsa).sign(claims("forger", **changes))

    def _wrong_scheme(self) -> st.SearchStrategy[bytes | None]:
        token = self._token()
        return st.sampled_from(
            [
                token.encode(),
                b"Basic " + base64.b64encode(b"admin:admin"),
                b"Token " + token.encode(),
                b"JWT " + token.encode(),
                b"Bearer:" + token.encode(),
                b"Bearer_" + token.encode(),
                b"Digest username=x",
            ]
        )

    def _truncated(self) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def cut(draw: st.DrawFn) -> bytes:
            token = self._token(draw(st.sampled_from([self.issuer.rsa, self.issuer.ec])))
            return _bearer(token[: draw(st.integers(1, len(token) - 1))])

        return cut()

    def _alg_none(self) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def unsigned(draw: st.DrawFn) -> bytes:
            header = {
                "alg": draw(st.sampled_from(["none", "None", "NONE", "nOnE", ""])),
                "typ": "JWT",
            }
            if draw(st.booleans()):
                header["kid"] = self.issuer.rsa.kid
            signature = draw(st.sampled_from([b"", b"x", b"\x00" * 256]))
            return _bearer(_by_hand(header, claims("forger", admin=True), signature))

        return unsigned()

    def _hmac_with_public_key(self) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def keyed(draw: st.DrawFn) -> bytes:
            algorithm, digest = draw(
                st.sampled_from(
                    [
                        ("HS256", hashlib.sha256),
                        ("HS384", hashlib.sha384),
                        ("HS512", hashlib.sha512),
                    ]
                )
            )
            secret = draw(
                st.sampled_from([self.public_pem(), json.dumps(self.issuer.rsa.jwk).encode()])
            )
            header = {
                "alg": algorithm,
                "kid": draw(st.sampled_from([self.issuer.rsa.kid, self.issuer.ec.kid])),
            }
            payload = claims("forger", scope="accounts:admin")
            signing_input = _by_hand(header, payload, b"").rsplit(".", 1)[0]
            mac = hmac.new(secret, signing_input.encode(), digest).digest()
            return _bearer(f"{signing_input}.{_segment(mac)}")

        return keyed()

    def _other_algorithm(self) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def other(draw: st.DrawFn) -> bytes:
            algorithm = draw(st.sampled_from(["RS384", "RS512", "PS256", "PS512"]))
            token = jwt.encode(
                claims("forger"),
                self.issuer.rsa.private_key,
                algorithm=algorithm,
                headers={"kid": self.issuer.rsa.kid},
            )
            return _bearer(token)

        return other()

    def _other_key(self) -> st.SearchStrategy[bytes | None]:
        return st.sampled_from([self.issuer.stranger, self.own_ec]).map(
            lambda key: _bearer(self._token(key, scope="accounts:admin"))
        )

    def _changed_claims(self) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def changed(draw: st.DrawFn) -> bytes:
            header, _, signature = self._token().split(".")
            payload = claims(draw(_texts), **{"cognito:groups": ["accounts-admin"]})
            return _bearer(f"{header}.{_by_hand({}, payload, b'').split('.')[1]}.{signature}")

        return changed()

    def _valid_but(self, **changes: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def signed(draw: st.DrawFn) -> bytes:
            drawn = {name: draw(strategy) for name, strategy in changes.items()}
            key = draw(st.sampled_from([self.issuer.rsa, self.issuer.ec]))
            return _bearer(key.sign(claims("forger", **drawn)))

        return signed()

    def _kid_nowhere(self) -> st.SearchStrategy[bytes | None]:
        kids = st.one_of(
            _texts.filter(lambda kid: kid not in (self.issuer.rsa.kid, self.issuer.ec.kid)),
            st.sampled_from([None, 0, [], {"kid": "rsa-1"}]),
        )
        return kids.map(
            lambda kid: _bearer(_signed_by_hand({"kid": kid}, claims("forger"), self.issuer.rsa))
        )

    def _huge(self) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def huge(draw: st.DrawFn) -> bytes:
            length = draw(st.integers(MAX_TOKEN_LENGTH + 1, MAX_HEADER_TOKEN_LENGTH))
            if draw(st.booleans()):
                return _bearer("A" * length)
            # A token the issuer really signed, padded with a claim until it is too long.
            token = self._token()
            padded = self._token(padding="x" * max(0, (length - len(token)) * 3 // 4))
            return _bearer(padded[:MAX_HEADER_TOKEN_LENGTH])

        return huge()

    def _non_utf8(self) -> st.SearchStrategy[bytes | None]:
        @st.composite
        def spliced(draw: st.DrawFn) -> bytes:
            token = self._token().encode()
            at = draw(st.integers(0, len(token)))
            junk = draw(
                st.binary(min_size=1, max_size=16).map(lambda raw: bytes(0x80 | b for b in raw))
            )
            return b"Bearer " + token[:at] + junk + token[at:]

        return spliced()

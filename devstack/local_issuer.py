"""The local token issuer of `run-single.sh up --auth` (SPEC §8.3): an RS256 key pair, its JWKS,
and tokens signed with it by PyJWT. `python -m devstack.local_issuer keys|token [...]`."""

import argparse
import base64
import contextlib
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "pcqrses-local"
DEFAULT_AUDIENCE = "pcqrses"
DEFAULT_SUBJECT = "local-user"
DEFAULT_EXPIRES_IN = 3600
ADMIN_SCOPE = "accounts:admin"
DEFAULT_DIR = Path(".run") / "auth"
KEY_FILE = "issuer-key.pem"
JWKS_FILE = "jwks.json"
# The services accept a token this long past its `exp` (clock skew, SPEC §8.1).
VERIFIER_LEEWAY_SECONDS = 60


@dataclass(frozen=True, slots=True)
class IssuerKeys:
    """The issuer's private key and the key id its tokens and its JWKS name."""

    private_key: rsa.RSAPrivateKey
    kid: str
    jwks_path: Path


def ensure_keys(directory: Path = DEFAULT_DIR) -> IssuerKeys:
    """The key pair under `directory`, generated on first use; the JWKS is (re)written from it.

    Safe when several processes race: the first key written wins, and the JWKS is derived from
    whichever key won, so every writer writes the same file.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path = directory / KEY_FILE
    if not key_path.exists():
        _write_new_key(key_path)
    private_key = _read_key(key_path)
    public_jwk = _public_jwk(private_key.public_key())
    jwks_path = directory / JWKS_FILE
    _write_atomically(jwks_path, json.dumps({"keys": [public_jwk]}, indent=2) + "\n", 0o644)
    return IssuerKeys(private_key, str(public_jwk["kid"]), jwks_path)


def mint_token(
    keys: IssuerKeys,
    *,
    subject: str = DEFAULT_SUBJECT,
    admin: bool = False,
    expires_in: int = DEFAULT_EXPIRES_IN,
    audience: str = DEFAULT_AUDIENCE,
    now: int | None = None,
) -> str:
    """A signed token for `subject`; an admin's carries `scope: accounts:admin`. A negative
    `expires_in` gives a token that expired that many seconds ago."""
    issued_at = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": audience,
        "sub": subject,
        "iat": issued_at,
        "exp": issued_at + expires_in,
    }
    if admin:
        claims["scope"] = ADMIN_SCOPE
    return jwt.encode(claims, keys.private_key, algorithm="RS256", headers={"kid": keys.kid})


def _write_new_key(key_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = key_path.with_name(f".{key_path.name}.{os.getpid()}.tmp")
    _write_private(temporary, pem)
    try:
        os.link(temporary, key_path)  # fails if another process wrote its key first
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def _write_private(path: Path, data: bytes) -> None:
    # 0600 from the start (O_CREAT with the mode), whatever the umask lets through later.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _read_key(key_path: Path) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except ValueError as error:
        raise SystemExit(
            f"error: {key_path} is not a PEM private key ({error}); delete {key_path.parent} "
            "to make a new key pair (tokens signed with the old key stop working)"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SystemExit(f"error: {key_path} holds no RSA key; delete {key_path.parent}")
    return key


def _public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, object]:
    jwk: dict[str, object] = dict(RSAAlgorithm.to_jwk(public_key, as_dict=True))
    jwk.pop("key_ops", None)  # RFC 7517 §4.3: not together with "use"
    # The key id is the key's RFC 7638 thumbprint: the same key always gets the same id.
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    jwk["kid"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    jwk["alg"] = "RS256"
    jwk["use"] = "sig"
    return jwk


def _write_atomically(path: Path, text: str, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    temporary.chmod(mode)
    temporary.replace(path)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.local_issuer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("keys", "create the key pair if missing; print the JWKS file's path"),
        ("token", "print one signed token (creates the key pair if missing)"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="default: .run/auth")
    token = commands.choices["token"]
    token.add_argument("--subject", default=DEFAULT_SUBJECT, help=f"default: {DEFAULT_SUBJECT}")
    token.add_argument("--admin", action="store_true", help=f"add the scope {ADMIN_SCOPE}")
    token.add_argument(
        "--expires-in",
        type=int,
        default=DEFAULT_EXPIRES_IN,
        metavar="SECONDS",
        help=f"default: {DEFAULT_EXPIRES_IN}; negative: already expired",
    )
    token.add_argument("--audience", default=DEFAULT_AUDIENCE, help=f"default: {DEFAULT_AUDIENCE}")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.command == "token" and not args.subject:
        print("error: --subject must not be empty", file=sys.stderr)
        return 2
    keys = ensure_keys(args.dir)
    if args.command == "keys":
        print(keys.jwks_path)
        return 0
    if -VERIFIER_LEEWAY_SECONDS <= args.expires_in < 0:
        print(
            f"note: expired by less than the services' {VERIFIER_LEEWAY_SECONDS} s leeway, "
            f"so still accepted; use --expires-in -{VERIFIER_LEEWAY_SECONDS + 1} or less",
            file=sys.stderr,
        )
    token = mint_token(
        keys,
        subject=args.subject,
        admin=args.admin,
        expires_in=args.expires_in,
        audience=args.audience,
    )
    with contextlib.suppress(BrokenPipeError):
        print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())

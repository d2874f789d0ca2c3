"""The local issuer: a private key kept private, a JWKS that verifies its tokens, the CLI."""

import json
import stat
from pathlib import Path
from typing import Any

import jwt
import pytest

from devstack.local_issuer import (
    ADMIN_SCOPE,
    ISSUER,
    KEY_FILE,
    ensure_keys,
    main,
    mint_token,
)

pytestmark = pytest.mark.unit


def verified(token: str, jwks_path: Path, audience: str = "pcqrses") -> dict[str, Any]:
    """The claims of `token`, checked by PyJWT against the JWKS file as a service would."""
    jwks = jwt.PyJWKSet.from_dict(json.loads(jwks_path.read_text()))
    kid = jwt.get_unverified_header(token)["kid"]
    (key,) = [key for key in jwks.keys if key.key_id == kid]
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], issuer=ISSUER, audience=audience
    )
    return claims


def cli_token(capsys: pytest.CaptureFixture[str], directory: Path, *options: str) -> str:
    assert main(["token", "--dir", str(directory), *options]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    return line


def test_first_use_writes_a_private_pkcs8_key_and_a_public_jwks(tmp_path: Path) -> None:
    keys = ensure_keys(tmp_path / "auth")

    key_file = tmp_path / "auth" / KEY_FILE
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----\n")  # PKCS#8
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "auth").stat().st_mode) == 0o700
    (jwk,) = json.loads(keys.jwks_path.read_text())["keys"]
    assert keys.jwks_path == tmp_path / "auth" / "jwks.json"
    assert {name: jwk[name] for name in ("kty", "alg", "use", "kid")} == {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": keys.kid,
    }
    assert set(jwk) == {"kty", "alg", "use", "kid", "n", "e"}  # no private part


def test_later_uses_keep_the_key_and_rewrite_a_lost_jwks_identically(tmp_path: Path) -> None:
    first = ensure_keys(tmp_path)
    key_bytes = (tmp_path / KEY_FILE).read_bytes()
    jwks = first.jwks_path.read_text()
    first.jwks_path.unlink()

    second = ensure_keys(tmp_path)

    assert (tmp_path / KEY_FILE).read_bytes() == key_bytes
    assert second.kid == first.kid
    assert second.jwks_path.read_text() == jwks


def test_a_token_verifies_against_the_jwks_with_the_claims_of_the_spec(tmp_path: Path) -> None:
    keys = ensure_keys(tmp_path)

    token = mint_token(keys, subject="alice", expires_in=600)

    claims = verified(token, keys.jwks_path)
    assert claims["iss"] == "pcqrses-local"
    assert claims["aud"] == "pcqrses"
    assert claims["sub"] == "alice"
    assert claims["exp"] - claims["iat"] == 600
    assert "scope" not in claims
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def test_an_admins_token_carries_the_admin_scope(tmp_path: Path) -> None:
    keys = ensure_keys(tmp_path)

    claims = verified(mint_token(keys, admin=True), keys.jwks_path)

    assert ADMIN_SCOPE in claims["scope"].split(" ")


def test_the_cli_prints_one_token_with_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = cli_token(capsys, tmp_path)

    claims = verified(token, tmp_path / "jwks.json")
    assert claims["sub"] == "local-user"
    assert claims["aud"] == "pcqrses"
    assert claims["exp"] - claims["iat"] == 3600
    assert "scope" not in claims


def test_the_cli_options_subject_admin_and_audience(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = cli_token(capsys, tmp_path, "--subject", "bob", "--admin", "--audience", "other")

    claims = verified(token, tmp_path / "jwks.json", audience="other")
    assert claims["sub"] == "bob"
    assert claims["scope"] == ADMIN_SCOPE
    with pytest.raises(jwt.InvalidAudienceError):
        verified(token, tmp_path / "jwks.json")


def test_a_negative_expires_in_gives_an_expired_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = cli_token(capsys, tmp_path, "--expires-in", "-3600")

    with pytest.raises(jwt.ExpiredSignatureError):
        verified(token, tmp_path / "jwks.json")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == -3600


def test_an_expiry_inside_the_services_leeway_is_pointed_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--dir", str(tmp_path), "--expires-in", "-5"]) == 0

    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1
    assert "leeway" in captured.err


def test_the_keys_command_prints_the_jwks_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "--dir", str(tmp_path / "auth")]) == 0

    assert capsys.readouterr().out.strip() == str(tmp_path / "auth" / "jwks.json")
    assert (tmp_path / "auth" / KEY_FILE).exists()


def test_a_damaged_key_file_stops_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("not a key")

    with pytest.raises(SystemExit, match="delete"):
        ensure_keys(tmp_path)

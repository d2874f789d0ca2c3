"""The identity and hostile-client settings of SPEC §8: defaults, jwt mode's needs, bad values."""

import pytest

from infrastructure.settings import Settings, SettingsError

pytestmark = pytest.mark.unit

JWT = {
    "AUTH_MODE": "jwt",
    "AUTH_ISSUER": "pcqrses-local",
    "AUTH_AUDIENCE": "pcqrses",
    "AUTH_JWKS_FILE": ".run/auth/jwks.json",
}


def test_by_default_authentication_is_off_and_clients_are_bounded() -> None:
    settings = Settings.from_env({})
    assert settings.auth_mode == "off"
    assert settings.auth_allow_anonymous is False
    assert (settings.auth_admin_scope, settings.auth_admin_group) == (
        "accounts:admin",
        "accounts-admin",
    )
    assert settings.request_body_timeout_seconds == 10.0
    assert settings.max_connections_per_client == 256


def test_jwt_mode_reads_the_issuer_the_audience_and_the_keys() -> None:
    settings = Settings.from_env({**JWT, "AUTH_ADMIN_GROUP": "admins"})
    assert settings.auth_mode == "jwt"
    assert (settings.auth_issuer, settings.auth_audience) == ("pcqrses-local", "pcqrses")
    assert settings.auth_jwks_file == ".run/auth/jwks.json"
    assert settings.auth_jwks_url is None
    assert settings.auth_admin_group == "admins"


@pytest.mark.parametrize("missing", ["AUTH_ISSUER", "AUTH_AUDIENCE"])
def test_jwt_mode_without_issuer_or_audience_is_refused_by_name(missing: str) -> None:
    env = {key: value for key, value in JWT.items() if key != missing}
    with pytest.raises(SettingsError, match=missing):
        Settings.from_env(env)


def test_jwt_mode_needs_exactly_one_source_of_keys() -> None:
    without = {key: value for key, value in JWT.items() if key != "AUTH_JWKS_FILE"}
    with pytest.raises(SettingsError, match="exactly one of AUTH_JWKS_URL and AUTH_JWKS_FILE"):
        Settings.from_env(without)
    with pytest.raises(SettingsError, match="exactly one of AUTH_JWKS_URL and AUTH_JWKS_FILE"):
        Settings.from_env({**JWT, "AUTH_JWKS_URL": "https://issuer.example/jwks.json"})


def test_a_jwks_url_must_be_http() -> None:
    env = {key: value for key, value in JWT.items() if key != "AUTH_JWKS_FILE"}
    with pytest.raises(SettingsError, match="AUTH_JWKS_URL must be an http"):
        Settings.from_env({**env, "AUTH_JWKS_URL": "file:///etc/passwd"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUTH_MODE": "basic"}, "AUTH_MODE must be off or jwt"),
        ({"AUTH_ALLOW_ANONYMOUS": "perhaps"}, "AUTH_ALLOW_ANONYMOUS must be 1 or 0"),
        ({"REQUEST_BODY_TIMEOUT_SECONDS": "0"}, "REQUEST_BODY_TIMEOUT_SECONDS must be more"),
        ({"MAX_CONNECTIONS_PER_CLIENT": "0"}, "MAX_CONNECTIONS_PER_CLIENT must be at least 1"),
    ],
)
def test_bad_values_are_refused_by_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)

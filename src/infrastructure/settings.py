"""Settings read from environment variables (SPEC §6); the defaults serve the local stack."""

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:50504/pcqrses"
# The local stack's key-encryption key, relative to the working directory (SPEC §9.2).
DEFAULT_LOCAL_KEK_FILE = ".run/keys/key-encryption-key"
MAX_KEY_CACHE_SECONDS = 3600.0


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


@dataclass(frozen=True, slots=True)
class Settings:
    command_api_host: str = "127.0.0.1"
    command_api_port: int = 50501
    query_api_host: str = "127.0.0.1"
    query_api_port: int = 50502
    aws_region: str = "ap-northeast-1"
    # None means real AWS (the SDK's own endpoint resolution).
    dynamodb_endpoint_url: str | None = "http://127.0.0.1:4566"
    journal_table_name: str = "journal"
    snapshot_table_name: str = "snapshot"
    # The local updater's shard leases (one item per stream shard).
    lease_table_name: str = "leases"
    snapshot_interval: int = 100
    # Aggregate states a Command API process keeps in memory (least recently used go first);
    # 0 turns the cache off. A stale entry costs one conflict and a reload, never correctness.
    aggregate_cache_size: int = 10_000
    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    log_format: str = "json"
    # Limits of each GraphQL API server process (body, query shape, time, load, clients).
    max_request_body_bytes: int = 1024 * 1024
    max_query_depth: int = 20
    max_query_complexity: int = 1000
    request_timeout_seconds: float = 30.0
    max_concurrent_requests: int = 1000
    keepalive_timeout_seconds: float = 75.0
    rate_limit_per_second: float = 0.0  # 0: no rate limit
    rate_limit_burst: int | None = None  # None: the rate, rounded up
    # SO_REUSEPORT on the API's listening socket: several processes share one port (the local
    # cluster); each answer then names its process in an X-Served-By header.
    reuse_port: bool = False
    # Hostile clients (SPEC §8.4): the whole body must arrive within this; open connections per
    # peer address.
    request_body_timeout_seconds: float = 10.0
    max_connections_per_client: int = 256
    # Identity (SPEC §8.1): "off" (every caller is an admin) or "jwt" (bearer tokens required).
    auth_mode: str = "off"
    auth_issuer: str | None = None
    auth_audience: str | None = None
    # Where the issuer's public keys are: exactly one of the two in jwt mode.
    auth_jwks_url: str | None = None
    auth_jwks_file: str | None = None
    auth_admin_scope: str = "accounts:admin"
    auth_admin_group: str = "accounts-admin"
    # Serving without authentication on a host other than loopback must be asked for.
    auth_allow_anonymous: bool = False
    # Metrics (SPEC §10.1): GET /metrics on every service unless turned off; an API process may
    # also serve them on a port of its own (None: only on the API's port), which processes that
    # share the API's port (REUSE_PORT) need to be told apart.
    metrics_enabled: bool = True
    metrics_port: int | None = None
    # The local updater's health and metrics listener.
    updater_http_host: str = "127.0.0.1"
    updater_http_port: int = 50503
    # Personal data (SPEC §9.2): each account's data key, wrapped, in this table; wrapped by AWS
    # KMS when kms_key_id is set, else by the key-encryption key in local_kek_file (None: the
    # default file, which only the local stack may use: infrastructure.crypto.local_kek_refusal).
    key_table_name: str = "user_account_keys"
    kms_key_id: str | None = None
    local_kek_file: str | None = None
    # How long a process keeps an unwrapped key in memory; 0 turns the cache off.
    key_cache_seconds: float = 60.0

    @property
    def kek_file(self) -> str:
        """The key-encryption key file used without KMS: LOCAL_KEK_FILE, or the default."""
        return self.local_kek_file or DEFAULT_LOCAL_KEK_FILE

    @property
    def effective_rate_limit_burst(self) -> int:
        """The bucket size of the per-client rate limit: RATE_LIMIT_BURST, or the rate."""
        if self.rate_limit_burst is not None:
            return self.rate_limit_burst
        return max(1, math.ceil(self.rate_limit_per_second))

    @staticmethod
    def from_env(environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        defaults = Settings()
        endpoint = env.get("DYNAMODB_ENDPOINT_URL", defaults.dynamodb_endpoint_url)
        log_format = env.get("LOG_FORMAT", defaults.log_format).lower()
        if log_format not in ("json", "console"):
            raise SettingsError(f"LOG_FORMAT must be json or console, not {log_format!r}")
        return Settings(
            command_api_host=env.get("COMMAND_API_HOST", defaults.command_api_host),
            command_api_port=_port(env, "COMMAND_API_PORT", defaults.command_api_port),
            query_api_host=env.get("QUERY_API_HOST", defaults.query_api_host),
            query_api_port=_port(env, "QUERY_API_PORT", defaults.query_api_port),
            aws_region=env.get("AWS_REGION", defaults.aws_region),
            dynamodb_endpoint_url=endpoint or None,
            journal_table_name=env.get("JOURNAL_TABLE_NAME", defaults.journal_table_name),
            snapshot_table_name=env.get("SNAPSHOT_TABLE_NAME", defaults.snapshot_table_name),
            lease_table_name=env.get("LEASE_TABLE_NAME", defaults.lease_table_name),
            snapshot_interval=_positive_int(env, "SNAPSHOT_INTERVAL", defaults.snapshot_interval),
            aggregate_cache_size=int_in_range(
                env, "AGGREGATE_CACHE_SIZE", defaults.aggregate_cache_size, 0, 10_000_000
            ),
            database_url=env.get("DATABASE_URL", defaults.database_url),
            log_level=env.get("LOG_LEVEL", defaults.log_level).upper(),
            log_format=log_format,
            max_request_body_bytes=_bounded_int(
                env, "MAX_REQUEST_BODY_BYTES", defaults.max_request_body_bytes, 2**30
            ),
            max_query_depth=_bounded_int(env, "MAX_QUERY_DEPTH", defaults.max_query_depth, 100),
            max_query_complexity=_bounded_int(
                env, "MAX_QUERY_COMPLEXITY", defaults.max_query_complexity, 100_000
            ),
            request_timeout_seconds=_seconds(
                env, "REQUEST_TIMEOUT_SECONDS", defaults.request_timeout_seconds
            ),
            max_concurrent_requests=_bounded_int(
                env, "MAX_CONCURRENT_REQUESTS", defaults.max_concurrent_requests, 1_000_000
            ),
            keepalive_timeout_seconds=_seconds(
                env, "KEEPALIVE_TIMEOUT_SECONDS", defaults.keepalive_timeout_seconds
            ),
            rate_limit_per_second=_float_in(env, "RATE_LIMIT_PER_SECOND", 0.0, 0.0, 1_000_000.0),
            rate_limit_burst=(
                _bounded_int(env, "RATE_LIMIT_BURST", 1, 1_000_000)
                if env.get("RATE_LIMIT_BURST")
                else None
            ),
            reuse_port=_flag(env, "REUSE_PORT"),
            request_body_timeout_seconds=_seconds(
                env, "REQUEST_BODY_TIMEOUT_SECONDS", defaults.request_body_timeout_seconds
            ),
            max_connections_per_client=_bounded_int(
                env, "MAX_CONNECTIONS_PER_CLIENT", defaults.max_connections_per_client, 1_000_000
            ),
            **_auth_settings(env, defaults),
            metrics_enabled=_flag(env, "METRICS_ENABLED", default=True),
            metrics_port=_port(env, "METRICS_PORT", 0) or None,
            updater_http_host=env.get("UPDATER_HTTP_HOST", defaults.updater_http_host),
            updater_http_port=_port(env, "UPDATER_HTTP_PORT", defaults.updater_http_port),
            **_key_settings(env, defaults),
        )


AUTH_MODES = ("off", "jwt")


class _AuthFields(TypedDict):
    auth_mode: str
    auth_issuer: str | None
    auth_audience: str | None
    auth_jwks_url: str | None
    auth_jwks_file: str | None
    auth_admin_scope: str
    auth_admin_group: str
    auth_allow_anonymous: bool


def _auth_settings(env: Mapping[str, str], defaults: Settings) -> _AuthFields:
    """The AUTH_* variables; jwt mode needs an issuer, an audience and one source of keys."""
    mode = (env.get("AUTH_MODE") or defaults.auth_mode).strip().lower()
    if mode not in AUTH_MODES:
        raise SettingsError(f"AUTH_MODE must be off or jwt, not {mode!r}")
    issuer = env.get("AUTH_ISSUER") or None
    audience = env.get("AUTH_AUDIENCE") or None
    jwks_url = env.get("AUTH_JWKS_URL") or None
    jwks_file = env.get("AUTH_JWKS_FILE") or None
    if mode == "jwt":
        missing = [
            name
            for name, value in (("AUTH_ISSUER", issuer), ("AUTH_AUDIENCE", audience))
            if value is None
        ]
        if missing:
            raise SettingsError(f"AUTH_MODE=jwt needs {' and '.join(missing)}")
        if (jwks_url is None) == (jwks_file is None):
            raise SettingsError(
                "AUTH_MODE=jwt needs exactly one of AUTH_JWKS_URL and AUTH_JWKS_FILE "
                "(where the issuer's public keys are)"
            )
        if jwks_url is not None and not jwks_url.startswith(("https://", "http://")):
            raise SettingsError(f"AUTH_JWKS_URL must be an http(s) URL, not {jwks_url!r}")
    return {
        "auth_mode": mode,
        "auth_issuer": issuer,
        "auth_audience": audience,
        "auth_jwks_url": jwks_url,
        "auth_jwks_file": jwks_file,
        "auth_admin_scope": env.get("AUTH_ADMIN_SCOPE") or defaults.auth_admin_scope,
        "auth_admin_group": env.get("AUTH_ADMIN_GROUP") or defaults.auth_admin_group,
        "auth_allow_anonymous": _flag(env, "AUTH_ALLOW_ANONYMOUS"),
    }


class _KeyFields(TypedDict):
    key_table_name: str
    kms_key_id: str | None
    local_kek_file: str | None
    key_cache_seconds: float


# A key id (UUID, or mrk-… for a multi-Region key), a key or alias ARN, or alias/<name>.
_KMS_KEY_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}"
    r"|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(?:key/[0-9a-zA-Z-]+|alias/[a-zA-Z0-9/_-]+)"
    r"|alias/[a-zA-Z0-9/_-]+"
)
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")


def _key_settings(env: Mapping[str, str], defaults: Settings) -> _KeyFields:
    """KEY_TABLE_NAME, KMS_KEY_ID, LOCAL_KEK_FILE (not both of the last two), KEY_CACHE_SECONDS."""
    table = env.get("KEY_TABLE_NAME") or defaults.key_table_name
    if not _TABLE_NAME.fullmatch(table):
        raise SettingsError(
            f"KEY_TABLE_NAME must be a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ . -), "
            f"not {table!r}"
        )
    kms_key_id = (env.get("KMS_KEY_ID") or "").strip() or None
    if kms_key_id is not None and not _KMS_KEY_ID.fullmatch(kms_key_id):
        raise SettingsError(
            "KMS_KEY_ID must be a KMS key id, key ARN, alias ARN or alias/<name>, "
            f"not {kms_key_id!r}"
        )
    kek_file = env.get("LOCAL_KEK_FILE") or None
    if kms_key_id is not None and kek_file is not None:
        raise SettingsError(
            "KMS_KEY_ID and LOCAL_KEK_FILE are both set: with KMS_KEY_ID, KMS wraps the data "
            "keys and LOCAL_KEK_FILE would be ignored; unset one of them"
        )
    return {
        "key_table_name": table,
        "kms_key_id": kms_key_id,
        "local_kek_file": kek_file,
        "key_cache_seconds": _float_in(
            env, "KEY_CACHE_SECONDS", defaults.key_cache_seconds, 0.0, MAX_KEY_CACHE_SECONDS
        ),
    }


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, not {value}")
    return value


def _bounded_int(env: Mapping[str, str], name: str, default: int, high: int) -> int:
    value = _positive_int(env, name, default)
    if value > high:
        raise SettingsError(f"{name} must be between 1 and {high}, not {value}")
    return value


def _float_in(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise SettingsError(f"{name} must be between {low:g} and {high:g}, not {raw}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration in seconds: more than 0, at most a day."""
    value = _float_in(env, name, default, 0.0, 86_400.0)
    if value == 0:
        raise SettingsError(f"{name} must be more than 0 seconds")
    return value


def _flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    """1/true/yes/on or 0/false/no/off (any case); unset or empty: `default`."""
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be 1 or 0 (true/false), not {raw!r}")


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    value = _positive_int(env, name, default)
    if value > 65535:
        raise SettingsError(f"{name} must be a port number (1..65535), not {value}")
    return value


def int_in_range(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """The whole number in `name`, `default` when unset, refused outside low..high."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value

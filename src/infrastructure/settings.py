"""Settings read from environment variables (SPEC §6); the defaults serve the local stack."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:50504/pcqrses"


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
    snapshot_interval: int = 100
    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    log_format: str = "json"

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
            snapshot_interval=_positive_int(env, "SNAPSHOT_INTERVAL", defaults.snapshot_interval),
            database_url=env.get("DATABASE_URL", defaults.database_url),
            log_level=env.get("LOG_LEVEL", defaults.log_level).upper(),
            log_format=log_format,
        )


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


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    value = _positive_int(env, name, default)
    if value > 65535:
        raise SettingsError(f"{name} must be a port number (1..65535), not {value}")
    return value

"""The data key settings (SPEC §9.2): KEY_TABLE_NAME, KMS_KEY_ID, LOCAL_KEK_FILE,
KEY_CACHE_SECONDS; an unusable value stops the process naming the variable."""

import re

import pytest

from infrastructure.settings import DEFAULT_LOCAL_KEK_FILE, Settings, SettingsError

pytestmark = pytest.mark.unit

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def test_the_defaults_serve_the_local_stack() -> None:
    settings = Settings.from_env({})

    assert settings.key_table_name == "user_account_keys"
    assert settings.kms_key_id is None
    assert settings.local_kek_file is None
    assert settings.kek_file == DEFAULT_LOCAL_KEK_FILE == ".run/keys/key-encryption-key"
    assert settings.key_cache_seconds == 60.0
    assert Settings() == settings


@pytest.mark.parametrize(
    "key_id",
    [
        KEY_ID,
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        f"arn:aws:kms:ap-northeast-1:123456789012:key/{KEY_ID}",
        "arn:aws-cn:kms:cn-north-1:123456789012:alias/pcqrses-data-keys",
        "alias/pcqrses-data-keys",
    ],
)
def test_a_kms_key_is_named_by_id_arn_or_alias(key_id: str) -> None:
    assert Settings.from_env({"KMS_KEY_ID": key_id}).kms_key_id == key_id


@pytest.mark.parametrize("key_id", ["my key", "arn:aws:s3:::bucket", "alias/", "1234"])
def test_anything_else_is_refused_by_name(key_id: str) -> None:
    with pytest.raises(SettingsError, match="KMS_KEY_ID must be a KMS key id, key ARN, alias"):
        Settings.from_env({"KMS_KEY_ID": key_id})


def test_an_empty_kms_key_id_means_none() -> None:
    assert Settings.from_env({"KMS_KEY_ID": " "}).kms_key_id is None


def test_a_local_key_file_is_read() -> None:
    settings = Settings.from_env({"LOCAL_KEK_FILE": "/srv/keys/kek"})

    assert settings.local_kek_file == settings.kek_file == "/srv/keys/kek"


def test_kms_and_a_local_key_file_together_are_refused() -> None:
    with pytest.raises(SettingsError, match="KMS_KEY_ID and LOCAL_KEK_FILE are both set"):
        Settings.from_env({"KMS_KEY_ID": KEY_ID, "LOCAL_KEK_FILE": "/srv/keys/kek"})


@pytest.mark.parametrize(("raw", "expected"), [("0", 0.0), ("0.5", 0.5), ("3600", 3600.0)])
def test_the_cache_lifetime_is_read_zero_turns_it_off(raw: str, expected: float) -> None:
    assert Settings.from_env({"KEY_CACHE_SECONDS": raw}).key_cache_seconds == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "KEY_CACHE_SECONDS must be between 0 and 3600, not -1"),
        ("3601", "KEY_CACHE_SECONDS must be between 0 and 3600, not 3601"),
        ("nan", "KEY_CACHE_SECONDS must be between 0 and 3600, not nan"),
        ("a minute", "KEY_CACHE_SECONDS must be a number, not 'a minute'"),
    ],
)
def test_a_cache_lifetime_out_of_range_is_refused_by_name(raw: str, message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env({"KEY_CACHE_SECONDS": raw})


def test_the_key_table_is_named() -> None:
    assert Settings.from_env({"KEY_TABLE_NAME": "pcqrses-keys"}).key_table_name == "pcqrses-keys"


@pytest.mark.parametrize("name", ["ab", "keys table", "keys/1", "x" * 256])
def test_a_table_name_dynamodb_would_refuse_is_refused_by_name(name: str) -> None:
    with pytest.raises(SettingsError, match="KEY_TABLE_NAME must be a DynamoDB table name"):
        Settings.from_env({"KEY_TABLE_NAME": name})

"""Without KMS_KEY_ID, the default local key file is the local stack's: a service beyond
loopback, or against AWS itself, refuses it unless LOCAL_KEK_FILE names a file on purpose."""

import pytest

from infrastructure.crypto import local_kek_refusal
from infrastructure.settings import Settings

pytestmark = pytest.mark.unit

LOCAL = Settings()  # the emulator's endpoint, no KMS_KEY_ID, the default key file
KMS = Settings(kms_key_id="alias/pcqrses-data-keys", dynamodb_endpoint_url=None)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "127.0.0.2"])
def test_the_local_stack_may_use_the_default_file(host: str) -> None:
    assert local_kek_refusal(LOCAL, {"COMMAND_API_HOST": host}) is None
    assert local_kek_refusal(LOCAL, {}) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.0.2.10"])
def test_beyond_loopback_the_default_file_is_refused_saying_what_to_set(host: str) -> None:
    refusal = local_kek_refusal(LOCAL, {"COMMAND_API_HOST": host})

    assert refusal is not None
    assert f"COMMAND_API_HOST={host}" in refusal
    assert ".run/keys/key-encryption-key" in refusal
    assert "KMS_KEY_ID" in refusal
    assert "LOCAL_KEK_FILE" in refusal


def test_against_aws_itself_a_worker_refuses_the_default_file() -> None:
    refusal = local_kek_refusal(Settings(dynamodb_endpoint_url=None), {})

    assert refusal is not None
    assert "DYNAMODB_ENDPOINT_URL empty" in refusal


@pytest.mark.parametrize(
    "settings",
    [KMS, Settings(local_kek_file="/srv/keys/kek", dynamodb_endpoint_url=None)],
)
def test_kms_or_an_explicit_key_file_may_serve_anywhere(settings: Settings) -> None:
    assert local_kek_refusal(settings, {"COMMAND_API_HOST": "0.0.0.0"}) is None

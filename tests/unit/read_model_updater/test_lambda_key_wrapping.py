"""The Lambda runtime refuses the default local key file against AWS (no KMS_KEY_ID): a
function deployed without it would make keys in a sandbox that is thrown away."""

import pytest

from apps.read_model_updater import lambda_handler
from infrastructure.settings import SettingsError

pytestmark = pytest.mark.unit


def test_without_kms_key_id_against_aws_every_invocation_fails_saying_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "DYNAMODB_ENDPOINT_URL": "",
        "KMS_KEY_ID": "",
        "LOCAL_KEK_FILE": "",
    }.items():
        monkeypatch.setenv(name, value)
    lambda_handler.close_runtime()

    for _ in range(2):  # not only the first: nothing half-made is kept
        with pytest.raises(SettingsError, match="Set KMS_KEY_ID"):
            lambda_handler.handler({"Records": []}, None)
    assert lambda_handler.runtime.cache_info().currsize == 0

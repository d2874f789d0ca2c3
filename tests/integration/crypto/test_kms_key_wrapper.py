"""KmsKeyWrapper under the key wrapper contract, against moto's KMS (served on the session moto
server's port, as the local endpoint setting says)."""

from dataclasses import replace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from infrastructure.crypto import (
    KeyUnwrapError,
    KmsKeyWrapper,
    LocalFileKeyWrapper,
    WrappedKey,
    new_key,
    open_key_wrapper,
)
from infrastructure.settings import Settings
from tests.support.key_wrapper_contract import CONTEXT, KeyWrapperContract

pytestmark = pytest.mark.integration


class TestKmsKeyWrapper(KeyWrapperContract):
    wrapped_by_prefix = "aws-kms:arn:aws:kms:"
    # Real KMS answers IncorrectKeyException (a KeyUnwrapError); moto says AccessDenied.
    other_key_errors = (KeyUnwrapError, ClientError)

    @pytest.fixture
    def wrapper(self, kms: Any, kms_key_id: str) -> KmsKeyWrapper:
        return KmsKeyWrapper(kms, kms_key_id)

    @pytest.fixture
    async def other_wrapper(self, kms: Any) -> KmsKeyWrapper:
        created = await kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT")
        return KmsKeyWrapper(kms, created["KeyMetadata"]["KeyId"])


async def test_wrapped_by_is_the_kms_key_arn_and_an_alias_names_the_same_key(
    kms: Any, kms_key_id: str
) -> None:
    alias = f"alias/pcqrses-test-{kms_key_id[:8]}"
    await kms.create_alias(AliasName=alias, TargetKeyId=kms_key_id)
    arn = (await kms.describe_key(KeyId=kms_key_id))["KeyMetadata"]["Arn"]
    key = new_key()

    wrapped = await KmsKeyWrapper(kms, alias).wrap(key, CONTEXT)

    assert wrapped.wrapped_by == f"aws-kms:{arn}"
    assert await KmsKeyWrapper(kms, kms_key_id).unwrap(wrapped, CONTEXT) == key


async def test_the_context_is_the_kms_encryption_context(kms: Any, kms_key_id: str) -> None:
    key = new_key()
    wrapped = await KmsKeyWrapper(kms, kms_key_id).wrap(key, CONTEXT)

    # KMS itself decrypts it with that encryption context, and only with it.
    answer = await kms.decrypt(CiphertextBlob=wrapped.blob, EncryptionContext=CONTEXT)
    assert answer["Plaintext"] == key
    with pytest.raises(ClientError, match="InvalidCiphertextException"):
        await kms.decrypt(CiphertextBlob=wrapped.blob)


async def test_a_key_of_the_local_file_is_refused_by_name(
    kms: Any, kms_key_id: str, tmp_path: Any
) -> None:
    local = await LocalFileKeyWrapper(tmp_path / "kek").wrap(new_key(), CONTEXT)

    with pytest.raises(KeyUnwrapError, match=r"wrapped by 'local-kek:.*KMS_KEY_ID"):
        await KmsKeyWrapper(kms, kms_key_id).unwrap(local, CONTEXT)


async def test_settings_with_kms_key_id_open_kms_on_the_local_endpoint(
    moto_settings: Settings, kms_key_id: str, kms: Any
) -> None:
    settings = replace(moto_settings, kms_key_id=kms_key_id, local_kek_file=None)
    key = new_key()

    async with open_key_wrapper(settings) as wrapper:
        assert isinstance(wrapper, KmsKeyWrapper)
        wrapped = await wrapper.wrap(key, CONTEXT)

    assert (await kms.decrypt(CiphertextBlob=wrapped.blob, EncryptionContext=CONTEXT))[
        "Plaintext"
    ] == key


async def test_settings_without_kms_key_id_take_the_local_file(tmp_path: Any) -> None:
    settings = Settings(local_kek_file=str(tmp_path / "kek"), dynamodb_endpoint_url=None)

    async with open_key_wrapper(settings) as wrapper:
        assert isinstance(wrapper, LocalFileKeyWrapper)
        assert not (tmp_path / "kek").exists()  # read on first use only
        await wrapper.ready()
    assert (tmp_path / "kek").stat().st_size == 32


def test_wrapped_keys_print_no_bytes() -> None:
    wrapped = WrappedKey(b"\x01" * 40, "aws-kms:arn")

    assert repr(wrapped) == "WrappedKey(<40 bytes>, wrapped_by='aws-kms:arn')"

"""KmsKeyWrapper: keys wrapped by AWS KMS (Encrypt and Decrypt under one KMS key, with the
context as KMS encryption context), and the aiobotocore `kms` client it uses."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from infrastructure.crypto.key_wrapper import KeyUnwrapError, WrappedKey
from infrastructure.dynamodb.client import error_code
from infrastructure.dynamodb.clients import client_arguments
from infrastructure.settings import Settings

WRAPPED_BY_PREFIX = "aws-kms:"
# What KMS answers when a ciphertext is not one of this key's under this context.
_NOT_UNWRAPPABLE = frozenset({"InvalidCiphertextException", "IncorrectKeyException"})


class KmsClient(Protocol):
    """An aiobotocore `kms` client; every call takes the AWS API's keyword arguments."""

    async def encrypt(self, **kwargs: Any) -> dict[str, Any]: ...

    async def decrypt(self, **kwargs: Any) -> dict[str, Any]: ...


@asynccontextmanager
async def kms_client(settings: Settings) -> AsyncIterator[Any]:
    """A KMS client from the same session factory and settings as the DynamoDB client: its
    endpoint is DYNAMODB_ENDPOINT_URL when that is set (moto serves every service on one port),
    the region's own otherwise; closed on exit."""
    async with get_session().create_client("kms", **client_arguments(settings)) as client:
        yield client


class KmsKeyWrapper:
    """Wraps with KMS `Encrypt` and unwraps with `Decrypt` under `key_id` (an id, ARN or alias).

    Encrypt rather than GenerateDataKey: the caller makes the key (os.urandom), so both wrappers
    take the same path; either costs one call per new key. Decrypt names the key too, so a
    ciphertext of another KMS key is refused rather than decrypted by whichever key made it.
    KMS's errors other than "not this key's ciphertext" (throttling, access denied, network)
    are raised as they are: they are failures, not answers.
    """

    def __init__(self, client: KmsClient, key_id: str) -> None:
        self._client = client
        self._key_id = key_id

    async def ready(self) -> None:
        """Nothing to load: KMS is asked on each call."""

    async def wrap(self, key: bytes, context: Mapping[str, str]) -> WrappedKey:
        answer = await self._client.encrypt(
            KeyId=self._key_id, Plaintext=key, EncryptionContext=dict(context)
        )
        return WrappedKey(bytes(answer["CiphertextBlob"]), WRAPPED_BY_PREFIX + answer["KeyId"])

    async def unwrap(self, wrapped: WrappedKey, context: Mapping[str, str]) -> bytes:
        if not wrapped.wrapped_by.startswith(WRAPPED_BY_PREFIX):
            raise KeyUnwrapError(
                f"the key was wrapped by {wrapped.wrapped_by!r}; this process unwraps with "
                f"the KMS key {self._key_id!r} (KMS_KEY_ID)"
            )
        try:
            answer = await self._client.decrypt(
                CiphertextBlob=wrapped.blob, EncryptionContext=dict(context), KeyId=self._key_id
            )
        except ClientError as error:
            if error_code(error) in _NOT_UNWRAPPABLE:
                raise KeyUnwrapError(
                    f"KMS refused to unwrap the key wrapped by {wrapped.wrapped_by!r} "
                    f"with {self._key_id!r}: {error_code(error)}"
                ) from None
            raise
        return bytes(answer["Plaintext"])

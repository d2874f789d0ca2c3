"""The key wrapper the settings ask for (KMS when KMS_KEY_ID is set, else the local key file),
and when a service must not fall back on the default local key file."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from infrastructure.crypto.key_wrapper import KeyWrapper
from infrastructure.crypto.kms_key_wrapper import KmsKeyWrapper, kms_client
from infrastructure.crypto.local_key_wrapper import LocalFileKeyWrapper
from infrastructure.loopback import is_loopback_host
from infrastructure.settings import DEFAULT_LOCAL_KEK_FILE, Settings


@asynccontextmanager
async def open_key_wrapper(settings: Settings) -> AsyncIterator[KeyWrapper]:
    """KMS_KEY_ID set: a KmsKeyWrapper on a KMS client opened now and closed on exit (the local
    key file is never read then). Unset: a LocalFileKeyWrapper on LOCAL_KEK_FILE (opens nothing;
    the file is read on first use)."""
    if settings.kms_key_id is not None:
        async with kms_client(settings) as client:
            yield KmsKeyWrapper(client, settings.kms_key_id)
    else:
        yield LocalFileKeyWrapper(settings.kek_file)


def local_kek_refusal(settings: Settings, hosts: Mapping[str, str]) -> str | None:
    """Why a service serving `hosts` (variable -> host; none for a worker) must not start with
    these settings, or None when it may.

    The default key file (.run/keys/key-encryption-key) is the local stack's: a service without
    KMS_KEY_ID and without an explicit LOCAL_KEK_FILE refuses to use it on a host that is not
    loopback, or against AWS itself (DYNAMODB_ENDPOINT_URL empty), where a key made on the spot
    in the working directory would be lost with the container and every personal value with it.
    """
    if settings.kms_key_id is not None or settings.local_kek_file is not None:
        return None
    reasons = [f"{name}={host}" for name, host in hosts.items() if not is_loopback_host(host)]
    if settings.dynamodb_endpoint_url is None:
        reasons.append("DYNAMODB_ENDPOINT_URL empty (AWS itself)")
    if not reasons:
        return None
    return (
        f"refusing to wrap data keys with the default local key file ({DEFAULT_LOCAL_KEK_FILE}) "
        f"with {', '.join(reasons)}: that file is the local stack's, and the personal data it "
        "protects would be lost with it. Set KMS_KEY_ID (an AWS KMS key), or LOCAL_KEK_FILE to "
        "a key-encryption key file you keep (made on first use if missing)"
    )

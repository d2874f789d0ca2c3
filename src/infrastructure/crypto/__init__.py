"""Encryption with no business words: AES-256-GCM values under one key (Aead), and wrapping keys
under a key-encryption key (KeyWrapper: AWS KMS or a local key file)."""

from infrastructure.crypto.aead import KEY_BYTES, Aead, DecryptionError, new_key
from infrastructure.crypto.from_settings import local_kek_refusal, open_key_wrapper
from infrastructure.crypto.key_file import KeyFileError, load_or_create_key_file
from infrastructure.crypto.key_wrapper import KeyUnwrapError, KeyWrapper, WrappedKey
from infrastructure.crypto.kms_key_wrapper import KmsClient, KmsKeyWrapper, kms_client
from infrastructure.crypto.local_key_wrapper import LocalFileKeyWrapper

__all__ = [
    "KEY_BYTES",
    "Aead",
    "DecryptionError",
    "KeyFileError",
    "KeyUnwrapError",
    "KeyWrapper",
    "KmsClient",
    "KmsKeyWrapper",
    "LocalFileKeyWrapper",
    "WrappedKey",
    "kms_client",
    "load_or_create_key_file",
    "local_kek_refusal",
    "new_key",
    "open_key_wrapper",
]

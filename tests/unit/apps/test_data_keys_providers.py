"""`data_keys` of the Command API and the updater: the cached DynamoDB keys on the client and key
wrapper the app opened (KMS with KMS_KEY_ID, else the local file), in-memory keys in in-memory
mode; opening touches no key file."""

from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import errors, providers

from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from apps.read_model_updater.container import ReadModelUpdaterContainer, open_connections
from infrastructure.crypto import KmsKeyWrapper, LocalFileKeyWrapper
from infrastructure.settings import Settings
from interface_adapter.personal_data.cached_data_keys import CachedDataKeys
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys

pytestmark = pytest.mark.unit

# Creating clients connects nowhere: nothing listens there, nothing is asked.
UNREACHABLE = "http://127.0.0.1:9"


def settings_of(tmp_path: Path, **changes: Any) -> Settings:
    return replace(
        Settings(
            dynamodb_endpoint_url=UNREACHABLE,
            database_url="postgresql://nobody@127.0.0.1:9/none",
            local_kek_file=str(tmp_path / "keys" / "kek"),
            key_table_name="keys-of-this-test",
            key_cache_seconds=12.5,
        ),
        **changes,
    )


def dynamodb_keys_of(cached: object) -> DynamoDbDataKeys:
    assert isinstance(cached, CachedDataKeys)
    inner = cached._inner
    assert isinstance(inner, DynamoDbDataKeys)
    assert cached._ttl == 12.5
    return inner


async def test_the_command_api_keys_are_cached_on_what_its_app_opened(tmp_path: Path) -> None:
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings_of(tmp_path)))

    async with container.connections() as client:
        data_keys = container.data_keys()
        inner = dynamodb_keys_of(data_keys)
        assert inner._client is client
        assert inner._table_name == "keys-of-this-test"
        assert isinstance(inner._wrapper, LocalFileKeyWrapper)
        assert container.data_keys() is data_keys  # one per process: destroy evicts from it
        assert not (tmp_path / "keys").exists()  # the key file is read on first use only
        await container.readiness_checks()["keys"]()  # … which readiness makes early
        assert (tmp_path / "keys" / "kek").stat().st_size == 32

    with pytest.raises(errors.Error):
        container.key_wrapper()


async def test_with_kms_key_id_the_command_api_wraps_with_kms(tmp_path: Path) -> None:
    container = CommandApiContainer()
    settings = settings_of(tmp_path, local_kek_file=None, kms_key_id="alias/data-keys")
    container.settings.override(providers.Object(settings))

    async with container.connections():
        wrapper = dynamodb_keys_of(container.data_keys())._wrapper
        assert isinstance(wrapper, KmsKeyWrapper)
        assert wrapper._key_id == "alias/data-keys"


async def test_in_memory_mode_keeps_keys_in_memory_and_opens_nothing(tmp_path: Path) -> None:
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings_of(tmp_path)))
    use_in_memory_adapters(container)

    async with container.connections() as opened:
        assert opened is None
        assert isinstance(container.data_keys(), InMemoryDataKeys)
        assert not container.key_wrapper.overridden
    assert not (tmp_path / "keys").exists()


async def test_the_updater_keys_are_cached_on_what_it_opened(tmp_path: Path) -> None:
    container = ReadModelUpdaterContainer()
    container.settings.override(providers.Object(settings_of(tmp_path)))

    async with AsyncExitStack() as stack:
        await open_connections(container, stack, streams=False)
        inner = dynamodb_keys_of(container.data_keys())
        assert inner._client is container.dynamodb_client()
        assert isinstance(inner._wrapper, LocalFileKeyWrapper)

    with pytest.raises(errors.Error):
        container.key_wrapper()

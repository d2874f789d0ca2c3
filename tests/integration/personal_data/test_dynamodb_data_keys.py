"""DynamoDbDataKeys on moto under the DataKeys contract (the local key file and KMS wrapping,
and with the cache in front), and what its items hold: a wrapped key, never the key."""

from pathlib import Path
from typing import Any

import pytest

from infrastructure.crypto import KeyUnwrapError, KmsKeyWrapper, LocalFileKeyWrapper
from interface_adapter.personal_data.cached_data_keys import CachedDataKeys
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from tests.support.data_keys_contract import DataKeysContract, an_account_id
from tests.support.moto_server import DynamoDbTables

pytestmark = pytest.mark.integration


@pytest.fixture
def local_wrapper(tmp_path: Path) -> LocalFileKeyWrapper:
    return LocalFileKeyWrapper(tmp_path / "keys" / "key-encryption-key")


@pytest.fixture
def local_data_keys(
    dynamodb: Any, dynamodb_tables: DynamoDbTables, local_wrapper: LocalFileKeyWrapper
) -> DynamoDbDataKeys:
    return DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, local_wrapper)


class TestDynamoDbDataKeysWithALocalKeyFile(DataKeysContract):
    @pytest.fixture
    def data_keys(self, local_data_keys: DynamoDbDataKeys) -> DynamoDbDataKeys:
        return local_data_keys


class TestDynamoDbDataKeysWithKms(DataKeysContract):
    @pytest.fixture
    def data_keys(
        self, dynamodb: Any, dynamodb_tables: DynamoDbTables, kms: Any, kms_key_id: str
    ) -> DynamoDbDataKeys:
        return DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, KmsKeyWrapper(kms, kms_key_id))


class TestCachedDynamoDbDataKeys(DataKeysContract):
    @pytest.fixture
    def data_keys(self, local_data_keys: DynamoDbDataKeys) -> CachedDataKeys:
        return CachedDataKeys(local_data_keys, ttl_seconds=60)


async def test_the_item_holds_the_wrapped_key_and_its_wrapping_never_the_key(
    local_data_keys: DynamoDbDataKeys, dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    account_id = an_account_id()
    key = await local_data_keys.create(account_id)

    answer = await dynamodb.scan(TableName=dynamodb_tables.keys)

    (item,) = answer["Items"]
    assert set(item) == {"pkey", "wrapped_key", "wrapped_by"}
    assert item["pkey"] == {"S": account_id}
    assert item["wrapped_by"]["S"].startswith("local-kek:")
    assert key not in item["wrapped_key"]["B"]
    assert key.hex() not in repr(item)


async def test_a_kms_item_names_the_kms_key(
    dynamodb: Any, dynamodb_tables: DynamoDbTables, kms: Any, kms_key_id: str
) -> None:
    arn = (await kms.describe_key(KeyId=kms_key_id))["KeyMetadata"]["Arn"]
    data_keys = DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, KmsKeyWrapper(kms, kms_key_id))
    account_id = an_account_id()
    await data_keys.create(account_id)

    item = (
        await dynamodb.get_item(TableName=dynamodb_tables.keys, Key={"pkey": {"S": account_id}})
    )["Item"]

    assert item["wrapped_by"] == {"S": f"aws-kms:{arn}"}


async def test_a_lost_race_returns_the_winners_key_written_by_another_process(
    dynamodb: Any, dynamodb_tables: DynamoDbTables, local_wrapper: LocalFileKeyWrapper
) -> None:
    account_id = an_account_id()
    winner = DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, local_wrapper)
    loser = DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, local_wrapper)
    key = await winner.create(account_id)

    assert await loser.create(account_id) == key


async def test_a_key_copied_to_another_account_does_not_unwrap(
    local_data_keys: DynamoDbDataKeys, dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    source, target = an_account_id(), an_account_id()
    await local_data_keys.create(source)
    item = (await dynamodb.get_item(TableName=dynamodb_tables.keys, Key={"pkey": {"S": source}}))[
        "Item"
    ]
    await dynamodb.put_item(TableName=dynamodb_tables.keys, Item={**item, "pkey": {"S": target}})

    with pytest.raises(KeyUnwrapError):
        await local_data_keys.find(target)


async def test_a_key_of_another_key_encryption_key_is_refused_by_name(
    dynamodb: Any, dynamodb_tables: DynamoDbTables, tmp_path: Path, kms: Any, kms_key_id: str
) -> None:
    account_id = an_account_id()
    made_locally = DynamoDbDataKeys(
        dynamodb, dynamodb_tables.keys, LocalFileKeyWrapper(tmp_path / "kek")
    )
    await made_locally.create(account_id)
    with_kms = DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, KmsKeyWrapper(kms, kms_key_id))

    with pytest.raises(KeyUnwrapError, match="wrapped by 'local-kek:"):
        await with_kms.find(account_id)

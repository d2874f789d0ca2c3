"""An erasure against the local DynamoDB: the clear text the previous version wrote and the
account's wrapped key are in none of the emulator's files once it answers, and after a restart."""

from pathlib import Path
from typing import Any

import pytest

from domain.user_account import ErasedUserAccount, UserAccountErased
from infrastructure.crypto import LocalFileKeyWrapper
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.dynamodb_tables import ensure_key_table, ensure_tables
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from tests.integration.devstack.local_dynamodb_process import LocalDynamoDb, files_holding, restart
from tests.support import recorded_v1

pytestmark = pytest.mark.integration

JOURNAL, SNAPSHOT, KEYS = "journal", "snapshot", "keys"
# What the recorded account holds in clear: its names and its email address.
CLEAR = [b"Taro", b"Jiro", "山田".encode(), "太郎".encode(), b"taro@example.com"]


def repository_on(dynamodb: Any, kek_file: Path) -> DynamoDbUserAccountRepository:
    keys = DynamoDbDataKeys(dynamodb, KEYS, LocalFileKeyWrapper(kek_file))
    return DynamoDbUserAccountRepository(dynamodb, JOURNAL, SNAPSHOT, 100, keys)


def clear_in_files(server: LocalDynamoDb) -> list[bytes]:
    return [text for text in CLEAR if files_holding(text, server.data_dir)]


async def test_an_erasure_leaves_no_clear_text_and_no_key_in_the_emulators_files(
    server: LocalDynamoDb, tmp_path: Path
) -> None:
    kek_file = tmp_path / "key-encryption-key"
    erased = UserAccountErased(
        "01KB0000000000000000000099", recorded_v1.ACCOUNT, 4, recorded_v1.EVENTS[2].occurred_at
    )
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        await ensure_key_table(dynamodb, KEYS)
        for item in recorded_v1.journal_items()[:3]:
            await dynamodb.put_item(TableName=JOURNAL, Item=item)
        await dynamodb.put_item(TableName=SNAPSHOT, Item=recorded_v1.snapshot_item(2))
        assert clear_in_files(server) == CLEAR
        repository = repository_on(dynamodb, kek_file)
        state = await repository.load(recorded_v1.ACCOUNT)
        compactions = server.compactions()

        await repository.store(state.version, [erased])

        # Right after the answer: the rewrite (one transaction) and the key's removal each
        # compacted the request journal once; the key's creation and the event were appended.
        assert server.compactions() == compactions + 2
        assert clear_in_files(server) == []
        assert (await dynamodb.scan(TableName=KEYS))["Items"] == []
        assert files_holding(recorded_v1.ACCOUNT.value.encode(), server.data_dir)  # the events
        expected = ErasedUserAccount(recorded_v1.ACCOUNT, 4, erased.occurred_at)
        assert await repository.load(recorded_v1.ACCOUNT) == expected

    await restart(server)

    assert clear_in_files(server) == []
    async with server.client("dynamodb") as dynamodb:
        assert (await dynamodb.scan(TableName=KEYS))["Items"] == []
        assert await repository_on(dynamodb, kek_file).load(recorded_v1.ACCOUNT) == expected

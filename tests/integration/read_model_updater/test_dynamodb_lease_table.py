"""The DynamoDB lease table on moto keeps the lease contract, and creates its table on first use."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest

from infrastructure.stream_consumer import DynamoDbLeaseTable
from tests.support.lease_table_contract import LEASE_MS, NOW, LeaseTableContract, new_key

pytestmark = pytest.mark.integration


@pytest.fixture
async def lease_table_name(dynamodb: Any) -> AsyncIterator[str]:
    name = f"leases-{uuid4().hex[:12]}"
    yield name
    tables = (await dynamodb.list_tables())["TableNames"]
    if name in tables:
        await dynamodb.delete_table(TableName=name)


class TestDynamoDbLeaseTable(LeaseTableContract):
    @pytest.fixture
    def table(self, dynamodb: Any, lease_table_name: str) -> DynamoDbLeaseTable:
        return DynamoDbLeaseTable(dynamodb, lease_table_name)


async def test_the_table_is_created_on_first_use_and_items_say_who_holds_what(
    dynamodb: Any, lease_table_name: str
) -> None:
    key = new_key()
    assert lease_table_name not in (await dynamodb.list_tables())["TableNames"]
    table = DynamoDbLeaseTable(dynamodb, lease_table_name)
    assert await table.take(key, "host:123:ab", NOW, NOW + LEASE_MS) == 1
    item = (
        await dynamodb.get_item(
            TableName=lease_table_name,
            Key={"stream_arn": {"S": key.stream_arn}, "shard_id": {"S": key.shard_id}},
            ConsistentRead=True,
        )
    )["Item"]
    assert item["lease_owner"] == {"S": "host:123:ab"}
    assert item["lease_counter"] == {"N": "1"}
    assert item["expires_at"] == {"N": str(NOW + LEASE_MS)}

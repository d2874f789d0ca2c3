"""A Query of one partition answers what moto's own Query answers, reading that partition only."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.table import Table

from devstack.local_dynamodb import partition_query
from devstack.local_dynamodb.partition_query import install_partition_query

pytestmark = pytest.mark.unit


@pytest.fixture
def journal() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        client.create_table(
            TableName="journal",
            KeySchema=[
                {"AttributeName": "pkey", "KeyType": "HASH"},
                {"AttributeName": "skey", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pkey", "AttributeType": "S"},
                {"AttributeName": "skey", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for partition in ("a", "b", "c"):
            for number in (3, 1, 12, 2):
                client.put_item(
                    TableName="journal",
                    Item={"pkey": {"S": partition}, "skey": {"N": str(number)}},
                )
        yield client


QUERIES = [
    {"KeyConditionExpression": "pkey = :p", "ExpressionAttributeValues": {":p": {"S": "b"}}},
    {
        "KeyConditionExpression": "pkey = :p AND skey > :s",
        "ExpressionAttributeValues": {":p": {"S": "b"}, ":s": {"N": "1"}},
        "ScanIndexForward": False,
        "Limit": 2,
    },
    {
        "KeyConditionExpression": "pkey = :p AND skey BETWEEN :lo AND :hi",
        "ExpressionAttributeValues": {":p": {"S": "c"}, ":lo": {"N": "2"}, ":hi": {"N": "12"}},
        "ExclusiveStartKey": {"pkey": {"S": "c"}, "skey": {"N": "2"}},
    },
    {"KeyConditionExpression": "pkey = :p", "ExpressionAttributeValues": {":p": {"S": "none"}}},
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_answer_is_moto_s_own(journal: Any, query: dict[str, Any]) -> None:
    original = (Table.query, Table.all_items)
    expected = journal.query(TableName="journal", **query)
    try:
        install_partition_query()
        answer = journal.query(TableName="journal", **query)
    finally:
        Table.query, Table.all_items = original  # type: ignore[method-assign]
    for key in ("Items", "Count", "LastEvaluatedKey"):
        assert answer.get(key) == expected.get(key), key


def test_a_query_reads_only_its_partition(journal: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    original = (Table.query, Table.all_items)
    read: list[int] = []
    sorted_partition = partition_query._all_items

    def counting(self: Table) -> Any:
        items = sorted_partition(self)
        read.append(len(list(items)))
        return items

    try:
        install_partition_query()
        monkeypatch.setattr(Table, "all_items", counting)
        journal.query(TableName="journal", **QUERIES[0])
    finally:
        Table.query, Table.all_items = original  # type: ignore[method-assign]
    assert read == [4]  # of the 12 items, the partition's 4

"""Which DynamoDB requests the local server journals, and how a journal line reads back."""

import pytest

from devstack.local_dynamodb.operations import is_recorded
from devstack.local_dynamodb.recorded_request import CorruptEntryError, RecordedRequest

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "operation",
    [
        "CreateTable",
        "DeleteTable",
        "UpdateTable",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactWriteItems",
        "UpdateTimeToLive",
        "TagResource",
        "UntagResource",
        "UpdateContinuousBackups",
        "ExecuteStatement",
        "SomeFutureMutation",
    ],
)
def test_state_changing_operations_are_recorded(operation: str) -> None:
    assert is_recorded(f"DynamoDB_20120810.{operation}")


@pytest.mark.parametrize(
    "target",
    [
        "DynamoDB_20120810.GetItem",
        "DynamoDB_20120810.BatchGetItem",
        "DynamoDB_20120810.Query",
        "DynamoDB_20120810.Scan",
        "DynamoDB_20120810.TransactGetItems",
        "DynamoDB_20120810.DescribeTable",
        "DynamoDB_20120810.DescribeTimeToLive",
        "DynamoDB_20120810.ListTables",
        "DynamoDB_20120810.ListTagsOfResource",
        "DynamoDBStreams_20120810.GetRecords",
        "DynamoDBStreams_20120810.GetShardIterator",
        "DynamoDBStreams_20120810.DescribeStream",
        "AmazonSQS.SendMessage",
        None,
    ],
)
def test_reads_stream_polling_and_other_services_are_not_recorded(target: str | None) -> None:
    assert not is_recorded(target)


def test_a_request_reads_back_from_its_line_without_credentials() -> None:
    environ = {
        "PATH_INFO": "/",
        "CONTENT_TYPE": "application/x-amz-json-1.0",
        "HTTP_AUTHORIZATION": (
            "AWS4-HMAC-SHA256 Credential=AKIDSECRETISH/20260101/ap-northeast-1/dynamodb/"
            "aws4_request, SignedHeaders=host;x-amz-target, Signature=abcdef"
        ),
    }
    body = '{"TableName": "journal", "Item": {"name": {"S": "Zoë"}}}'.encode()
    recorded = RecordedRequest.from_environ(environ, "DynamoDB_20120810.PutItem", body)
    line = recorded.to_json_line()

    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert b"AKIDSECRETISH" not in line
    assert b"abcdef" not in line
    assert RecordedRequest.from_json_line(line.rstrip(b"\n")) == recorded
    headers = recorded.replay_headers()
    assert headers["X-Amz-Target"] == "DynamoDB_20120810.PutItem"
    assert "/ap-northeast-1/dynamodb/" in headers["Authorization"]


def test_a_body_that_is_not_utf8_survives_the_round_trip() -> None:
    recorded = RecordedRequest("DynamoDB_20120810.PutItem", "/", None, {}, b"\xff\x00binary")
    assert RecordedRequest.from_json_line(recorded.to_json_line()) == recorded


@pytest.mark.parametrize("line", [b'{"target":"DynamoDB_20120810.PutItem","pa', b"", b"[]", b"{}"])
def test_a_damaged_line_is_reported(line: bytes) -> None:
    with pytest.raises(CorruptEntryError):
        RecordedRequest.from_json_line(line)

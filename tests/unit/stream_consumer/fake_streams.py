"""A scripted DynamoDB + DynamoDB Streams pair: several shards, closed shards, injected errors."""

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

STREAM_ARN = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/journal/stream/label"


@dataclass
class FakeShard:
    shard_id: str
    parent_shard_id: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "GetRecords")


class FakeStreams:
    """Iterators are `shard_id|index`; every call is logged; `fail_next` injects errors."""

    def __init__(self, shards: list[FakeShard], page_size: int = 2) -> None:
        self.shards = {shard.shard_id: shard for shard in shards}
        self.page_size = page_size
        self.calls: list[tuple[str, str, Any]] = []
        # Errors raised by the next get_records calls, in order (None: answer normally).
        self.fail_next: list[str | None] = []

    async def describe_stream(self, **kwargs: Any) -> dict[str, Any]:
        ids = sorted(self.shards)
        start = (
            ids.index(kwargs["ExclusiveStartShardId"]) + 1
            if "ExclusiveStartShardId" in kwargs
            else 0
        )
        page = ids[start : start + self.page_size]
        description: dict[str, Any] = {
            "StreamArn": kwargs["StreamArn"],
            "Shards": [self._describe(self.shards[shard_id]) for shard_id in page],
        }
        if start + self.page_size < len(ids):
            description["LastEvaluatedShardId"] = page[-1]
        return {"StreamDescription": description}

    def _describe(self, shard: FakeShard) -> dict[str, Any]:
        numbers = [r["dynamodb"]["SequenceNumber"] for r in shard.records] or ["1"]
        described: dict[str, Any] = {
            "ShardId": shard.shard_id,
            "SequenceNumberRange": {"StartingSequenceNumber": numbers[0]},
        }
        if shard.closed:
            described["SequenceNumberRange"]["EndingSequenceNumber"] = numbers[-1]
        if shard.parent_shard_id:
            described["ParentShardId"] = shard.parent_shard_id
        return described

    async def get_shard_iterator(self, **kwargs: Any) -> dict[str, Any]:
        kind = kwargs["ShardIteratorType"]
        shard = self.shards[kwargs["ShardId"]]
        self.calls.append(
            ("get_shard_iterator", shard.shard_id, (kind, kwargs.get("SequenceNumber")))
        )
        if kind == "TRIM_HORIZON":
            index = 0
        elif kind == "AFTER_SEQUENCE_NUMBER":
            numbers = [r["dynamodb"]["SequenceNumber"] for r in shard.records]
            index = numbers.index(kwargs["SequenceNumber"]) + 1
        else:
            raise AssertionError(f"the poller must never ask for {kind}")
        return {"ShardIterator": f"{shard.shard_id}|{index}"}

    async def get_records(self, **kwargs: Any) -> dict[str, Any]:
        shard_id, index_text = kwargs["ShardIterator"].split("|")
        index = int(index_text)
        self.calls.append(("get_records", shard_id, index))
        if self.fail_next:
            code = self.fail_next.pop(0)
            if code is not None:
                raise client_error(code)
        shard = self.shards[shard_id]
        records = shard.records[index : index + kwargs["Limit"]]
        end = index + len(records)
        answer: dict[str, Any] = {"Records": records}
        if not (shard.closed and end == len(shard.records)):
            answer["NextShardIterator"] = f"{shard_id}|{end}"
        return answer

    def calls_of(self, name: str) -> list[tuple[str, Any]]:
        return [(shard_id, detail) for call, shard_id, detail in self.calls if call == name]


class FakeDynamoDb:
    def __init__(self, stream_arn: str = STREAM_ARN) -> None:
        self.stream_arn: str | None = stream_arn

    async def describe_table(self, **kwargs: Any) -> dict[str, Any]:
        if self.stream_arn is None:
            raise ClientError(
                {"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "DescribeTable"
            )
        return {"Table": {"TableStatus": "ACTIVE", "LatestStreamArn": self.stream_arn}}

    async def put_item(self, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    async def transact_write_items(self, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    async def get_item(self, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    async def query(self, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

    async def create_table(self, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError

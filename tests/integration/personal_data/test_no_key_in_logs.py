"""No key, wrapped or not, reaches a log line: the data keys' whole life on DynamoDB and KMS
with the services' logging at DEBUG (the AWS SDK's request lines included) writes none."""

import base64
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from infrastructure.crypto import KmsKeyWrapper
from infrastructure.logging import configure_logging
from interface_adapter.personal_data.cached_data_keys import CachedDataKeys
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from tests.support.data_keys_contract import an_account_id
from tests.support.moto_server import DynamoDbTables

pytestmark = pytest.mark.integration


@pytest.fixture
def debug_logging(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """The services' logging at DEBUG, writing to the stderr `capsys` captures."""
    root = logging.getLogger()
    names = ("botocore", "aiobotocore", "boto3", "aioboto3", "urllib3", "aiohttp.access")
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in names}
    configure_logging("DEBUG", "json")
    try:
        yield
    finally:
        root.handlers[:], level, levels = saved
        root.setLevel(level)
        for name, value in levels.items():
            logging.getLogger(name).setLevel(value)


def forms(secret: bytes) -> list[str]:
    """How bytes could show in a line: hex, base64, Python's repr."""
    return [secret.hex(), base64.b64encode(secret).decode(), repr(secret)[2:-1]]


@pytest.mark.usefixtures("debug_logging")
async def test_creating_finding_and_destroying_keys_logs_no_key(
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
    kms: Any,
    kms_key_id: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inner = DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, KmsKeyWrapper(kms, kms_key_id))
    data_keys = CachedDataKeys(inner, ttl_seconds=0)
    account_id = an_account_id()
    logging.getLogger("test").debug("before")

    key = await data_keys.create(account_id)
    assert await data_keys.find(account_id) == key
    item = await dynamodb.get_item(TableName=dynamodb_tables.keys, Key={"pkey": {"S": account_id}})
    await data_keys.destroy(account_id)

    written = capsys.readouterr().err
    assert '"before"' in written  # the capture sees DEBUG lines
    for secret in (key, bytes(item["Item"]["wrapped_key"]["B"])):
        for form in forms(secret):
            assert form not in written

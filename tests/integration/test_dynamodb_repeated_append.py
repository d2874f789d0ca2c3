"""An append sent again after its reply was lost (the SDK's retry) meets its own events: it
succeeds, and only events of another writer are a concurrency conflict."""

from dataclasses import replace
from typing import Any

import pytest

from domain.user_account import NotCreated
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.event_store_contract import SNAPSHOT_INTERVAL, History, append
from tests.support.moto_server import DynamoDbTables
from use_case.ports import ConcurrencyConflictError

pytestmark = pytest.mark.integration


@pytest.fixture
def repository(dynamodb: Any, dynamodb_tables: DynamoDbTables) -> DynamoDbUserAccountRepository:
    return DynamoDbUserAccountRepository(
        dynamodb,
        dynamodb_tables.journal,
        dynamodb_tables.snapshot,
        SNAPSHOT_INTERVAL,
        data_keys=InMemoryDataKeys(),
    )


async def test_a_put_sent_again_succeeds_and_stores_the_event_once(
    repository: DynamoDbUserAccountRepository,
) -> None:
    history = History()
    created = history.created()
    state = await append(repository, NotCreated(history.id), [created])

    assert await append(repository, NotCreated(history.id), [created]) == state
    assert await repository.read_events(history.id, 0) == [created]


async def test_a_transaction_sent_again_succeeds_and_stores_its_events_once(
    repository: DynamoDbUserAccountRepository,
) -> None:
    history = History()
    state = await append(repository, NotCreated(history.id), [history.created()])
    renames = history.after(state, 2)
    await append(repository, state, renames)

    await append(repository, state, renames)
    assert (await repository.read_events(history.id, 1)) == renames


async def test_another_writers_events_at_the_same_versions_are_a_conflict(
    repository: DynamoDbUserAccountRepository,
) -> None:
    history = History()
    created = history.created()
    state = await append(repository, NotCreated(history.id), [created])
    theirs = history.after(state, 2)
    await append(repository, state, theirs)

    with pytest.raises(ConcurrencyConflictError):
        await append(repository, NotCreated(history.id), [replace(created, event_id="0" * 26)])
    with pytest.raises(ConcurrencyConflictError):
        await append(repository, state, [theirs[0], replace(theirs[1], event_id="0" * 26)])
    with pytest.raises(ConcurrencyConflictError):
        await append(repository, state, history.after(state, 2))

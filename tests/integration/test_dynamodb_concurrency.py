"""Concurrent renames of one account through the real use case against DynamoDB on moto."""

import asyncio
from typing import Any

import pytest
from returns.result import Failure, Success

from domain.user_account import UserAccountId, UserAccountRenamed
from infrastructure.clock import SystemClock
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.callers import NO_AUTH
from tests.support.moto_server import DynamoDbTables
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.outcome import ConcurrencyConflict
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase

pytestmark = pytest.mark.integration

RENAMES = 20


async def test_concurrent_renames_keep_the_journal_consistent(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    repository = DynamoDbUserAccountRepository(
        dynamodb,
        dynamodb_tables.journal,
        dynamodb_tables.snapshot,
        snapshot_interval=5,
        data_keys=InMemoryDataKeys(),
    )
    runner = CommandRunner(repository, SystemClock(), UlidGenerator())
    created = await CreateUserAccountUseCase(runner)(
        NO_AUTH, CreateUserAccount("Taro", "Yamada", "taro@example.com")
    )
    account_id = created.unwrap().id
    rename = RenameUserAccountUseCase(runner)

    results = await asyncio.gather(
        *(
            rename(NO_AUTH, RenameUserAccount(account_id, "Taro", f"Name {i}"))
            for i in range(RENAMES)
        )
    )

    accepted = {
        f"Name {i}": result.unwrap()
        for i, result in enumerate(results)
        if isinstance(result, Success)
    }
    refused = [result.failure() for result in results if isinstance(result, Failure)]
    # Only losing every retry may refuse a rename here: no other outcome is acceptable.
    assert all(isinstance(reason, ConcurrencyConflict) for reason in refused)
    assert accepted, "at least the first writer of each round wins"

    events = await repository.read_events(UserAccountId(account_id), 0)
    assert [event.seq_nr for event in events] == list(range(1, len(events) + 1))
    assert len(events) == 1 + len(accepted)
    renamed_to = {
        event.new_name.last_name: event.seq_nr
        for event in events
        if isinstance(event, UserAccountRenamed)
    }
    # Every acknowledged rename is in the journal, at the version it was acknowledged with.
    assert renamed_to == {name: outcome.version for name, outcome in accepted.items()}
    assert (await repository.load(UserAccountId(account_id))).version == len(events)

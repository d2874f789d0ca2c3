"""The event store contract against InMemoryUserAccountRepository."""

from collections.abc import Sequence

import pytest

from domain.user_account import UserAccount, UserAccountEvent, UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from tests.support.data_keys import WatchedDataKeys
from tests.support.event_store_contract import (
    SNAPSHOT_INTERVAL,
    ContractRepository,
    EventStoreContract,
)
from tests.support.v1_writer import v1_snapshot

pytestmark = pytest.mark.unit


class TestInMemoryUserAccountRepository(EventStoreContract):
    @pytest.fixture
    def repository(self, data_keys: WatchedDataKeys) -> ContractRepository:
        return InMemoryUserAccountRepository(data_keys, snapshot_interval=SNAPSHOT_INTERVAL)

    async def put_recorded_v1(
        self,
        repository: ContractRepository,
        events: Sequence[UserAccountEvent],
        snapshot: UserAccount | None = None,
    ) -> None:
        assert isinstance(repository, InMemoryUserAccountRepository)
        repository.put_recorded_v1(events)
        if snapshot is not None:
            repository.put_recorded_v1_snapshot(snapshot.version, v1_snapshot(snapshot))

    async def stored_values(
        self, repository: ContractRepository, aggregate_id: UserAccountId
    ) -> list[bytes]:
        assert isinstance(repository, InMemoryUserAccountRepository)
        kept: list[bytes] = []
        for record in repository.records_of(aggregate_id):
            kept.extend(v if isinstance(v, bytes) else str(v).encode() for v in record)
        snapshot = repository.snapshot_bytes_of(aggregate_id)
        if snapshot is not None:
            kept.append(snapshot)
        return kept

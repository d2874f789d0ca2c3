"""The event store contract against InMemoryUserAccountRepository."""

import pytest

from domain.user_account import UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from tests.support.data_keys import WatchedDataKeys
from tests.support.event_store_contract import (
    SNAPSHOT_INTERVAL,
    ContractRepository,
    EventStoreContract,
)

pytestmark = pytest.mark.unit


class TestInMemoryUserAccountRepository(EventStoreContract):
    @pytest.fixture
    def repository(self, data_keys: WatchedDataKeys) -> ContractRepository:
        return InMemoryUserAccountRepository(data_keys, snapshot_interval=SNAPSHOT_INTERVAL)

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

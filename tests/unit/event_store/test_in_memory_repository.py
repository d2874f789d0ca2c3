"""The event store contract against InMemoryUserAccountRepository."""

import pytest

from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from tests.support.event_store_contract import (
    SNAPSHOT_INTERVAL,
    ContractRepository,
    EventStoreContract,
)

pytestmark = pytest.mark.unit


class TestInMemoryUserAccountRepository(EventStoreContract):
    @pytest.fixture
    def repository(self) -> ContractRepository:
        return InMemoryUserAccountRepository(snapshot_interval=SNAPSHOT_INTERVAL)

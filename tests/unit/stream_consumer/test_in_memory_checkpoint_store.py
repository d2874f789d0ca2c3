"""The in-memory checkpoint store keeps the CheckpointStore contract (the tests' twin of the
PostgreSQL one, which runs the same tests in the integration suite)."""

import pytest

from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.checkpoint_store_contract import CheckpointStoreContract

pytestmark = pytest.mark.unit


class TestInMemoryCheckpointStore(CheckpointStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryCheckpointStore:
        return InMemoryCheckpointStore()

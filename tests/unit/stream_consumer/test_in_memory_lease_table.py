"""The in-memory lease table keeps the lease contract (the tests' twin of the DynamoDB one)."""

import pytest

from tests.support.lease_table import InMemoryLeaseTable
from tests.support.lease_table_contract import LeaseTableContract

pytestmark = pytest.mark.unit


class TestInMemoryLeaseTable(LeaseTableContract):
    @pytest.fixture
    def table(self) -> InMemoryLeaseTable:
        return InMemoryLeaseTable()
